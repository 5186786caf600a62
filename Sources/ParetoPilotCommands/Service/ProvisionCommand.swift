import ArgumentParser
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import Provisioning

#if canImport(Glibc)
import Glibc
#endif

/// `paretopilot provision`: start pilots through a batch system.
struct ProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Start pilots through an existing batch system.",
        subcommands: [Slurm.self]
    )

    /// `paretopilot provision slurm`.
    struct Slurm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "slurm",
            abstract: "Keep Slurm pilots matched to the server's work (sbatch job arrays, squeue, scancel).",
            discussion: """
                Every --interval seconds: reads the work of the studies pilots serve (GET /v1/work) and the \
                pilots in Slurm's queue (found by --job-name, so a restarted provisioner finds its \
                pilots again); wants ceil((queued + running jobs) / --slots) + --margin pilots, at most \
                --pilots; submits the missing ones as one job array and cancels surplus pilots that have \
                not started; when no work remains it cancels the rest. Pilots call back to --server \
                over HTTP with --pilot-token (default --token), passed in the job's environment.
                """
        )

        @Option(help: "The server, http://HOST:PORT, as the compute nodes reach it.")
        var server: String

        @Option(help: "A pilot or admin token to read the work with; default $PARETOPILOT_TOKEN.")
        var token: String?

        @Option(name: .customLong("pilot-token"), help: "The token pilots use (default --token).")
        var pilotToken: String?

        @Option(help: "Most pilots queued or running at once.")
        var pilots = 4

        @Option(help: "Jobs per pilot.")
        var slots = 1

        @Option(help: "Pilots kept beyond the current work.")
        var margin = 1

        @Option(help: "Slurm partition.")
        var partition: String?

        @Option(name: .customLong("time-limit"), help: "Wall time of a pilot job, minutes.")
        var timeLimit: Int?

        @Option(
            name: .customLong("sbatch-arg"),
            parsing: .unconditionalSingleValue,
            help: "An extra sbatch argument (repeatable)."
        )
        var sbatchArguments: [String] = []

        @Option(
            name: .customLong("pilot-arg"),
            parsing: .unconditionalSingleValue,
            help: "An extra pilot argument (repeatable)."
        )
        var pilotArguments: [String] = []

        @Option(name: .customLong("job-name"), help: "Slurm job name of the pilots.")
        var jobName = "paretopilot-pilot"

        @Option(name: .customLong("log-dir"), help: "Directory for the pilots' output files.")
        var logDirectory: String?

        @Option(help: "Seconds between rounds.")
        var interval = 10.0

        @Option(name: .customLong("idle-exit"), help: "Seconds a pilot waits without work before it exits.")
        var idleExit = 60.0

        @Option(help: "Seconds a pilot's running jobs may take to finish after SIGTERM (keep below Slurm's KillWait).")
        var drain = 20.0

        @Flag(help: "One round, then exit.")
        var once = false

        @Flag(name: .customLong("until-done"), help: "Exit once no work remains and no pilot is left.")
        var untilDone = false

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.")
        var logLevel = "info"

        @OptionGroup var security: ClientSecurityOptions

        func run() async throws {
            security.apply()
            guard let token = CommandEnvironment.token(token) else {
                printError("error: a token is required: --token or PARETOPILOT_TOKEN")
                throw ExitCode(2)
            }
            guard pilots >= 1, slots >= 1, margin >= 0, interval > 0, idleExit > 0, drain >= 0 else {
                printError(
                    "error: --pilots and --slots must be at least 1, --margin and --drain not negative, --interval and --idle-exit positive"
                )
                throw ExitCode(2)
            }
            if let timeLimit, timeLimit < 1 {
                printError("error: --time-limit must be at least 1 minute")
                throw ExitCode(2)
            }
            let level = try CommandEnvironment.logLevel(logLevel)
            CommandEnvironment.bootstrapLogging(level)
            var configuration = ProvisionerConfiguration(
                serverURL: server,
                token: token,
                executable: CommandEnvironment.executablePath
            )
            configuration.pilotToken = pilotToken
            configuration.maxPilots = pilots
            configuration.slots = slots
            configuration.margin = margin
            configuration.partition = partition
            configuration.timeLimitMinutes = timeLimit
            configuration.extraArguments = sbatchArguments
            configuration.pilotArguments = pilotArguments + security.pilotArguments
            configuration.jobName = jobName
            configuration.outputDirectory = logDirectory
            configuration.interval = interval
            configuration.idleExit = idleExit
            configuration.drain = drain
            let provisioner: PilotProvisioner
            do {
                provisioner = try PilotProvisioner(
                    configuration: configuration,
                    cluster: SlurmCluster(),
                    logger: Logger(label: "paretopilot.provision")
                )
            } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            if once {
                do {
                    let (plan, work, pilots) = try await provisioner.round()
                    print(
                        "{\"queued\": \(work.queued), \"running\": \(work.running), \"remaining\": \(work.remaining), "
                            + "\"pilots\": \(pilots.count), \"submitted\": \(plan.submit), \"cancelled\": \(plan.cancel.count)}"
                    )
                } catch {
                    printError("error: \(error)")
                    throw ExitCode(1)
                }
                return
            }
            let stop = NIOLockedValueBox(false)
            let sources = CommandEnvironment.onStopSignals { stop.withLockedValue { $0 = true } }
            await provisioner.run(untilDone: untilDone) { stop.withLockedValue { $0 } }
            for source in sources { source.cancel() }
        }
    }
}
