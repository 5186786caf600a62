import Evaluation
import Foundation
import Logging
import Pilot
import StudyModel
import Wire

/// What the service says there is to do (`GET /v1/work`).
public typealias ServiceWork = WorkSummary

/// One round of provisioning: how many pilots to submit and which to cancel.
public struct ProvisioningPlan: Sendable, Equatable {
    public var submit: Int
    public var cancel: [String]
    /// Pilots wanted in the queue or running after this round.
    public var wanted: Int
    public var reason: String
}

/// Settings of `paretopilot provision slurm`.
public struct ProvisionerConfiguration: Sendable {
    public var serverURL: String
    /// Token the provisioner reads the work with (pilot or admin).
    public var token: String
    /// Token given to the pilots (default: `token`).
    public var pilotToken: String?
    /// Most pilots queued or running at once.
    public var maxPilots: Int = 4
    /// Jobs per pilot.
    public var slots: Int = 1
    /// Pilots kept beyond the current work, so new candidates start at once.
    public var margin: Int = 1
    public var partition: String?
    public var timeLimitMinutes: Int?
    public var extraArguments: [String] = []
    /// Slurm job name; the provisioner finds its pilots again by it after a restart.
    public var jobName = "paretopilot-pilot"
    public var outputDirectory: String?
    /// Seconds between rounds.
    public var interval: Double = 10
    /// Passed to the pilots.
    public var idleExit: Double = 60
    public var drain: Double = 20
    /// Options passed on to every pilot (`--cores 4`, `--study NAME`, ...).
    public var pilotArguments: [String] = []
    /// The `paretopilot` executable pilots run (default: this one).
    public var executable: String

    public init(serverURL: String, token: String, executable: String) {
        self.serverURL = serverURL
        self.token = token
        self.executable = executable
    }
}

/// Keeps the number of pilots queued and running in a batch system matched to the service's work,
/// as PanDA's Harvester does: wanted = ceil((queued + running jobs) / slots) + margin, capped at
/// `maxPilots` and at what the remaining work can use. Submits the difference as one job array,
/// cancels surplus pilots that have not started, and once nothing remains cancels the rest. It
/// keeps no state of its own: every round reads the service and `squeue`, so it survives restarts.
public struct PilotProvisioner: Sendable {
    public let configuration: ProvisionerConfiguration
    let cluster: SlurmCluster
    let client: ServiceClient
    let logger: Logger

    public init(configuration: ProvisionerConfiguration, cluster: SlurmCluster, logger: Logger) throws {
        self.configuration = configuration
        self.cluster = cluster
        self.logger = logger
        client = try ServiceClient(url: configuration.serverURL, token: configuration.token)
    }

    /// The plan for one round.
    public static func plan(
        work: ServiceWork,
        pilots: [BatchPilot],
        maxPilots: Int,
        slots: Int,
        margin: Int
    ) -> ProvisioningPlan {
        let pending = pilots.filter(\.isPending)
        let running = pilots.filter(\.isRunning)
        if work.remaining == 0 {
            // Nothing left: pilots that have not started go; running ones are idle once no job runs.
            let cancel = pending.map(\.id) + (work.running == 0 ? running.map(\.id) : [])
            return ProvisioningPlan(submit: 0, cancel: cancel, wanted: 0, reason: "no work remains")
        }
        func pilotsFor(_ jobs: Int) -> Int { (jobs + slots - 1) / slots }
        let wanted = min(maxPilots, pilotsFor(work.queued + work.running) + margin, pilotsFor(work.remaining))
        let active = pending.count + running.count
        if wanted > active {
            return ProvisioningPlan(
                submit: wanted - active,
                cancel: [],
                wanted: wanted,
                reason: "\(work.queued) queued and \(work.running) running jobs need \(wanted) pilots, \(active) exist"
            )
        }
        if wanted < active {
            let surplus = Array(pending.suffix(min(pending.count, active - wanted)).map(\.id))
            return ProvisioningPlan(
                submit: 0,
                cancel: surplus,
                wanted: wanted,
                reason: "\(active) pilots for work that needs \(wanted)"
            )
        }
        return ProvisioningPlan(submit: 0, cancel: [], wanted: wanted, reason: "matched")
    }

    /// The command a pilot job runs.
    var pilotCommand: String {
        var arguments = [
            configuration.executable, "pilot", "--server", configuration.serverURL, "--slots",
            String(configuration.slots), "--idle-exit", String(configuration.idleExit), "--drain",
            String(configuration.drain),
        ]
        arguments += configuration.pilotArguments
        // The name, expanded by the job's shell, is the task's id as squeue shows it (`123_4`), which
        // ties a pilot's jobs on the server to its Slurm job.
        return arguments.map(ShellCommand.quote).joined(separator: " ")
            + " --name \"slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\""
    }

    /// Reads the work and the queue, then submits and cancels pilots. Returns the plan carried out
    /// and the work it was based on.
    @discardableResult
    public func round() async throws -> (plan: ProvisioningPlan, work: ServiceWork, pilots: [BatchPilot]) {
        let work = try await client.call(.GET, "/v1/work", as: ServiceWork.self)
        let pilots = try cluster.pilots(named: configuration.jobName)
        let plan = Self.plan(
            work: work,
            pilots: pilots,
            maxPilots: configuration.maxPilots,
            slots: configuration.slots,
            margin: configuration.margin
        )
        if plan.submit > 0 {
            let id = try cluster.submit(
                count: plan.submit,
                name: configuration.jobName,
                command: pilotCommand,
                partition: configuration.partition,
                timeLimitMinutes: configuration.timeLimitMinutes,
                outputDirectory: configuration.outputDirectory,
                extraArguments: configuration.extraArguments,
                environment: ["PARETOPILOT_TOKEN": configuration.pilotToken ?? configuration.token]
            )
            logger.info(
                "submitted pilots",
                metadata: ["job": "\(id)", "count": "\(plan.submit)", "why": "\(plan.reason)"]
            )
        }
        if !plan.cancel.isEmpty {
            try cluster.cancel(plan.cancel)
            logger.info(
                "cancelled pilots",
                metadata: ["jobs": "\(plan.cancel.joined(separator: ","))", "why": "\(plan.reason)"]
            )
        }
        return (plan, work, pilots)
    }

    /// Runs rounds every `interval` seconds until `shouldStop` returns true, or, with `untilDone`,
    /// until no work remains and no pilot is left. Errors of one round are logged, not fatal.
    public func run(untilDone: Bool, shouldStop: @Sendable () -> Bool) async {
        while !shouldStop() {
            do {
                let (plan, work, pilots) = try await round()
                let left = pilots.filter { $0.isPending || $0.isRunning }.count - plan.cancel.count
                if untilDone && work.remaining == 0 && left <= 0 {
                    logger.info("work done, no pilot left")
                    return
                }
            } catch {
                logger.warning("provisioning round failed", metadata: ["error": "\(error)"])
            }
            let deadline = Date().addingTimeInterval(configuration.interval)
            while Date() < deadline && !shouldStop() { try? await Task.sleep(nanoseconds: 100_000_000) }
        }
    }
}
