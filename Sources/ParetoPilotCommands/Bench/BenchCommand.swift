import ArgumentParser

/// `paretopilot bench`: measure the numerical kernels without the benchmark tooling.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ParetoPilot's numerical kernels.",
        subcommands: [
            BenchGPCommand.self, BenchBLASCommand.self, BenchMOBOCommand.self, BenchServiceCommand.self,
            BenchExcursionCommand.self, BenchSubsetCommand.self,
        ]
    )
}
