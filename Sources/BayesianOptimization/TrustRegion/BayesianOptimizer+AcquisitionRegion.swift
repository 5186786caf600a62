import Acquisition

extension BayesianOptimizer {
    /// The first edge of an acquisition box: the trust regions' (0.8) up to
    /// ``localAcquisitionDimension`` parameters, then `0.8 √(10 / d)`, so that the box's half
    /// diagonal stays `0.4 √10` (about 1.26 in the unit cube). The acquisition is maximised by a
    /// gradient search, and where the models know little (a few dozen points in 30 or 50
    /// dimensions) it climbs to the box's corners, where the variance is largest: in a box of edge
    /// 0.8 those lie 2.2 (d = 30) or 2.8 (d = 50) from the centre, while DTLZ2's best initial design
    /// is about 1.3 from the optimum. Measured with `bench mobo`, DTLZ2 M=3 d=30, 150 evaluations,
    /// 5 seeds: edge 0.8 median hypervolume 0.091, this rule (0.46) 0.164, 0.4 0.209, 0.2 0.101.
    var acquisitionRegionLength: Double {
        let d = Double(max(space.dimension, 1))
        return trustRegion.initialLength * min(1, (Double(localAcquisitionDimension) / d).squareRoot())
    }

    /// Evaluations without improvement after which an acquisition box halves: `max(d, 10)`,
    /// TuRBO's `max(4, d)` with a floor of 10 (MORBO's `max(d/3, 10)` is meant for boxes that get
    /// many designs of each batch; these get one design of every four). Measured with `bench mobo`,
    /// DTLZ2 M=3 d=30, 150 evaluations, 5 seeds, edge ``acquisitionRegionLength``: after 5
    /// evaluations median hypervolume 0.046, after 10 0.164, after 20 0.173, after 30 or 40
    /// (no box halves before the budget ends) 0.243; at d=10 the rule is 10 as before (40: 0.602
    /// against 0.619).
    var acquisitionRegionFailureTolerance: Int { max(space.dimension, 10) }

    /// The boxes that the greedy acquisitions are maximised in, in turn: design `k` of a batch asked
    /// with `p` designs pending is searched in box `(p + k) mod B` (nil: the whole unit cube).
    ///
    /// Below ``localAcquisitionDimension`` parameters there is no box. From it, ``acquisitionRegionCount``
    /// trust regions whose state is replayed from the observations by MORBO's rules
    /// (``TrustRegionSettings``: edge ``acquisitionRegionLength`` shrinking with the budget, doubled after 3 successive
    /// improving batches, halved after ``acquisitionRegionFailureTolerance`` evaluations without improvement, restarted
    /// elsewhere below 0.01), centred on the front points with the largest hypervolume
    /// contributions, or on the designs nearest the reference box while none is inside it; below
    /// ``globalAcquisitionSlotDimension`` parameters the last of them is replaced by the whole cube,
    /// so that one design in every ``acquisitionRegionCount`` may still go anywhere. Boxes span
    /// every choice of a categorical parameter.
    ///
    /// - Complexity: the replay scores the front once per `max(batch, acquisitionRegionCount)`
    ///   observations (a hypervolume each).
    func acquisitionRegions(
        _ observations: Observations,
        reference: [Double],
        batch: Int
    ) -> [AcquisitionOptimizer.Region?] {
        guard space.dimension >= localAcquisitionDimension, observations.count > 0, acquisitionRegionCount > 0
        else { return [] }
        let global = space.dimension < globalAcquisitionSlotDimension
        let count = global ? acquisitionRegionCount - 1 : acquisitionRegionCount
        guard count > 0 else { return [] }
        let unitInputs = observations.inputs.map(space.unit)
        var settings = trustRegion
        settings.initialLength = acquisitionRegionLength
        settings.failureTolerance = trustRegion.failureTolerance ?? acquisitionRegionFailureTolerance
        var history = TrustRegionHistory(
            settings: settings,
            unitInputs: unitInputs,
            objectives: observations.objectives,
            feasible: (0..<observations.count).map { observations.isFeasible($0) },
            reference: reference,
            regionCount: count,
            initialCount: initialCount,
            budget: budget
        )
        // A chunk of history as long as a turn of the boxes counts as one batch, however the designs
        // were asked for (one at a time by a server's pilots, or in batches).
        history.replay(batch: trustRegion.historyBatch ?? max(batch, acquisitionRegionCount))
        // A categorical parameter's choices are not near or far from each other: boxes span them all.
        let categorical = space.categoricalCoordinates.map(\.dimension)
        let boxes: [AcquisitionOptimizer.Region?] = history.regions.map {
            var box = AcquisitionOptimizer.Region(center: unitInputs[$0.center], length: $0.length)
            for j in categorical {
                box.lower[j] = 0
                box.upper[j] = 1
            }
            return box
        }
        return global ? boxes + [nil] : boxes
    }
}
