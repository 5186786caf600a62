import ArgumentParser
import Memberwise

/// The `paretopilot` command: multi-objective Bayesian optimisation of expensive simulations.
@MemberwiseInit
public struct ParetoPilotCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "paretopilot",
        abstract: "Multi-objective Bayesian optimisation of expensive simulations.",
        discussion: """
            ParetoPilot proposes the next designs to simulate, folds results back in as they arrive, \
            and converges on the Pareto front with as few simulations as possible.
            """,
        version: version,
        subcommands: [
            OptimizeCommand.self, StudyCommand.self, ServeCommand.self, DashboardCommand.self, PilotCommand.self,
            TokenCommand.self, OpenAPICommand.self,
            ProvisionCommand.self,
            HypervolumeCommand.self, LimitsCommand.self, ExcursionCommand.self, BenchCommand.self,
        ]
    )
}
