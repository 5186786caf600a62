import Engine
import Testing

@Suite("Candidate pipeline: when hyperparameters are refitted")
struct CandidatePipelineTests {
    @Test(
        "A refit is due without a fit, always below 100 observations, then after the data grow by 20%",
        arguments: [
            (nil, 5, true), (50, 60, true), (99, 99, true), (500, 590, false), (500, 600, true), (1000, 1100, false),
        ] as [(Int?, Int, Bool)]
    )
    func refitSchedule(cached: Int?, now: Int, due: Bool) {
        #expect(CandidateRequest.refitDue(cached: cached, now: now) == due)
    }
}
