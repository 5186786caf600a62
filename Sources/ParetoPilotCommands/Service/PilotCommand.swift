import ArgumentParser
import Dispatch
import Foundation
import Logging
import Pilot
import Provisioning

#if canImport(Glibc)
import Glibc
#endif

/// `paretopilot pilot`: a worker that pulls jobs from a server.
struct PilotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pilot",
        abstract: "Pull evaluations from a ParetoPilot server, run them, report back.",
        discussion: """
            Each job runs the study's evaluator command with the parameters as JSON on stdin and \
            PARETOPILOT_PARAM_<NAME> variables (as 'optimize' does), or a built-in problem. Output lines \
            are streamed to the server, heartbeats keep the job's lease, and a 'kill' reply stops it. \
            SIGTERM stops taking work, lets running jobs finish for --drain seconds, then kills and \
            hands them back. Under Slurm the remaining wall time comes from SLURM_JOB_END_TIME. \
            The token may also come from PARETOPILOT_TOKEN.
            """
    )

    @Option(help: "The server, http://HOST:PORT.")
    var server: String

    @Option(help: "A pilot (or admin) token; default $PARETOPILOT_TOKEN.")
    var token: String?

    @Option(help: "Jobs run at once.")
    var slots = 1

    @Option(help: "The pilot's name (default host-pid-random).")
    var name: String?

    @Option(help: "Cores offered to jobs.")
    var cores: Int?

    @Option(name: .customLong("memory-gb"), help: "Memory offered to jobs, GB.")
    var memoryGB: Double?

    @Option(help: "GPUs offered to jobs.")
    var gpus: Int?

    @Option(help: "The site this pilot runs at.")
    var site: String?

    @Option(help: "The queue (partition) this pilot runs in.")
    var queue: String?

    @Option(name: .customLong("study"), help: "Only jobs of this study (repeatable).")
    var studies: [String] = []

    @Option(
        name: .customLong("idle-exit"),
        help: "Exit after this many seconds without work (or without an answer from the server: exit code 1)."
    )
    var idleExit: Double?

    @Option(name: .customLong("max-jobs"), help: "Exit after this many jobs.")
    var maxJobs: Int?

    @Option(help: "Seconds running jobs may take to finish after SIGTERM.")
    var drain = 30.0

    @Option(name: .customLong("poll-interval"), help: "Seconds between requests for work when there is none.")
    var pollInterval = 1.0

    @Option(name: .customLong("wall-time-end"), help: "Unix time the pilot must end by (default $SLURM_JOB_END_TIME).")
    var wallTimeEnd: Double?

    @Option(
        name: .customLong("work-dir"),
        help:
            "Where workflow steps get their trial directories (DIR/<study>/trial-<n>) when the study names none; shared by the pilots of one workflow study."
    )
    var workDirectory = "paretopilot-work"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
    var logLevel = "info"

    @OptionGroup var security: ClientSecurityOptions

    func run() async throws {
        security.apply()
        let environment = ProcessInfo.processInfo.environment
        guard let token = CommandEnvironment.token(token) else {
            printError("error: a token is required: --token or PARETOPILOT_TOKEN")
            throw ExitCode(2)
        }
        guard slots >= 1 else {
            printError("error: --slots must be at least 1")
            throw ExitCode(2)
        }
        guard pollInterval > 0, drain >= 0 else {
            printError("error: --poll-interval must be positive and --drain not negative")
            throw ExitCode(2)
        }
        let level = try CommandEnvironment.logLevel(logLevel)
        CommandEnvironment.bootstrapLogging(level)
        var configuration = PilotConfiguration(
            serverURL: server,
            token: token,
            name: name,
            slots: slots,
            drainSeconds: drain,
            pollInterval: pollInterval
        )
        configuration.cores = cores
        configuration.memoryGB = memoryGB
        configuration.gpus = gpus
        configuration.site = site
        configuration.queue = queue ?? environment["SLURM_JOB_PARTITION"]
        configuration.studies = studies.isEmpty ? nil : studies
        configuration.idleExit = idleExit
        configuration.maxJobs = maxJobs
        configuration.workDirectory = workDirectory
        configuration.wallTimeEnd = wallTimeEnd ?? environment["SLURM_JOB_END_TIME"].flatMap(Double.init)
        if configuration.wallTimeEnd == nil, let job = environment["SLURM_JOB_ID"],
            let left = SlurmCluster().timeLeft(job: job)
        {
            // Slurm before 23.02 does not export SLURM_JOB_END_TIME: ask squeue for the time left.
            configuration.wallTimeEnd = Date().timeIntervalSince1970 + left
        }
        let logger = Logger(label: "paretopilot.pilot")
        let pilot: Pilot
        do {
            pilot = try Pilot(configuration: configuration, logger: logger)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        logger.info("pilot started", metadata: ["name": "\(configuration.name)", "server": "\(server)"])
        let sources = CommandEnvironment.onStopSignals { Task { await pilot.stop() } }
        let summary = await pilot.run()
        for source in sources { source.cancel() }
        print(
            "{\"pilot\": \"\(configuration.name)\", \"completed\": \(summary.completed), \"failed\": \(summary.failed), \"abandoned\": \(summary.abandoned)}"
        )
        if summary.serverUnreachable { throw ExitCode(1) }

    }
}
