import Memberwise
import StudyModel

/// `GET /v1/studies/{study}/dashboard`: what the dashboard draws, column by column, computed by the
/// server (Pareto ranks, hypervolume history, axes) so that the browser only draws.
///
/// One entry per completed trial with every objective, in trial order, in every array.
@MemberwiseInit
public struct StudyDashboard: Codable, Sendable {
    /// One plotted quantity (an objective or a parameter): its values per point and its axis.
    @MemberwiseInit
    public struct Series: Codable, Sendable {
        public var name: String
        /// For objectives: minimize or maximize.
        public var direction: StudySpecification.Objective.Direction?
        /// For categorical parameters: the choices, whose indices the values are.
        public var choices: [String]?
        public var axis: PlotAxis
        public var values: [Double]
    }

    /// The hypervolume after a number of trials.
    @MemberwiseInit
    public struct HypervolumePoint: Codable, Sendable, Equatable {
        public var trials: Int
        public var hypervolume: Double
    }

    public var study: String
    /// Trial numbers of the points.
    public var trials: [Int]
    /// Whether each point satisfies every outcome constraint.
    public var feasible: [Bool]
    /// Pareto rank among the feasible points (0: the front, 1: the front once it is removed, ...);
    /// -1 for infeasible points.
    public var ranks: [Int]
    public var objectives: [Series]
    public var parameters: [Series]
    /// Hypervolume against trials (every trial counted, completed or not), at most about 400 points.
    public var hypervolume: [HypervolumePoint]
    public var hypervolumeAxis: PlotAxis
    public var trialsAxis: PlotAxis

    enum CodingKeys: String, CodingKey {
        case study, trials, feasible, ranks, objectives, parameters, hypervolume
        case hypervolumeAxis = "hypervolume_axis"
        case trialsAxis = "trials_axis"
    }
}

/// `GET /v1/pilots`: the pilots the server has heard from, with the jobs they hold.
@MemberwiseInit
public struct PilotsResponse: Codable, Sendable {
    /// A job a pilot holds.
    @MemberwiseInit
    public struct Lease: Codable, Sendable, Equatable {
        public var job: Int64
        public var study: String
        public var trial: Int
        /// `leased` (not started yet) or `running`.
        public var state: String
        /// Unix seconds.
        public var leaseExpiresAt: Double?

        enum CodingKeys: String, CodingKey {
            case job, study, trial, state
            case leaseExpiresAt = "lease_expires_at"
        }
    }

    @MemberwiseInit
    public struct Pilot: Codable, Sendable {
        public var name: String
        /// Unix seconds of its last request (acquire or heartbeat) since the server started.
        public var lastSeen: Double?
        /// Slots and resources it offered when it last asked for work.
        public var slots: Int?
        public var resources: PilotResources?
        public var leases: [Lease]

        enum CodingKeys: String, CodingKey {
            case name, slots, resources, leases
            case lastSeen = "last_seen"
        }
    }

    public var pilots: [Pilot]
}
