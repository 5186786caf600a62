import Acquisition

extension BayesianOptimizer {
    /// The trust-region rules of the acquisition boxes: ``trustRegion`` with two changes from
    /// ``localAcquisitionDimension`` parameters on.
    ///
    /// - A fresh box's edge is `0.8 √(10 / d)` (0.8 up to 10 parameters), so that its half diagonal
    ///   stays `0.4 √10`, about 1.26 in the unit cube. The acquisition is maximised by a gradient
    ///   search, and where the models know little (a few dozen points in 30 or 50 dimensions) it
    ///   climbs to the box's corners, where the variance is largest: in a box of edge 0.8 those lie
    ///   2.2 (d = 30) or 2.8 (d = 50) from the centre, while DTLZ2's best initial design is about 1.3
    ///   from the optimum.
    /// - A box halves after `max(d, 10)` evaluations without improvement (unless
    ///   ``TrustRegionSettings/failureTolerance`` is set): TuRBO's `max(4, d)` with a floor of 10.
    ///   MORBO's `max(d/3, 10)` is meant for regions that get many designs of each batch; a box here
    ///   gets one design in every ``acquisitionRegionCount``.
    ///
    /// Measured with `bench mobo`, DTLZ2 M=3 d=30, 150 evaluations, 5 seeds, median hypervolume:
    /// edge 0.8 and halving after 10 0.091; edge 0.46 0.164 (0.4 0.209, 0.2 0.101); with halving
    /// after 30 0.243 (after 5 0.046, 20 0.173, 40 0.243: no box halves within the budget).
    var acquisitionRegionSettings: TrustRegionSettings {
        let d = max(space.dimension, 1)
        var settings = trustRegion
        settings.initialLength *= min(1, (Double(localAcquisitionDimension) / Double(d)).squareRoot())
        settings.failureTolerance = trustRegion.failureTolerance ?? max(d, 10)
        return settings
    }

    /// The boxes that the greedy acquisitions are maximised in, in turn: design `k` of a batch asked
    /// with `p` designs pending is searched in box `(p + k) mod B` (nil: the whole unit cube).
    ///
    /// Below ``localAcquisitionDimension`` parameters there is no box. From it, ``acquisitionRegionCount``
    /// trust regions whose state is replayed from the observations by MORBO's rules with
    /// ``acquisitionRegionSettings`` (edge `0.8 √(10 / d)` shrinking with the budget, doubled after 3
    /// successive improving batches, halved after `max(d, 10)` evaluations without improvement,
    /// restarted elsewhere below 0.01), centred on the front points with the largest hypervolume
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
        var history = TrustRegionHistory(
            settings: acquisitionRegionSettings,
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
