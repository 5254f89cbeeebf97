import Agents
import Experiments
import Foundation
import Rewards
import TaskSuite
import Testing

@Suite("Learned rewards in the training loop")
struct LearnedRewardTests {
    func configuration(_ reward: RewardChoice, seed: UInt64 = 3) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: "maze-zigzag-v1", reward: reward, steps: 400, seed: seed)
        configuration.evaluationInterval = 200
        configuration.evaluationEpisodes = 2
        configuration.epochLength = 200
        configuration.sac.hiddenSizes = [16, 16]
        configuration.sac.batchSize = 32
        configuration.sac.warmUpSteps = 100
        return configuration
    }

    func run(_ choice: RewardChoice, seed: UInt64 = 3) throws -> ([TrainingRecord], RewardSource) {
        let registry = try TaskRegistry.located()
        let environment = try registry.makeEnvironment("maze-zigzag-v1")
        let configuration = configuration(choice, seed: seed)
        var built: RewardSource?
        let loop = try TrainingLoop(configuration: configuration, environment: environment,
                                    evaluationEnvironment: try registry.makeEnvironment("maze-zigzag-v1"), rewards: { agent in
            let source = try choice.makeSource(environment: environment, agent: agent, preset: .fast, exampleCount: 20, seed: seed)
            built = source
            return source
        })
        var records: [TrainingRecord] = []
        try loop.run { records.append($0) }
        return (records, built!)
    }

    @Test("every reward can be built for every task, with the task's feature dimension")
    func everyRewardForEveryTask() throws {
        let registry = try TaskRegistry.located()
        for definition in registry.definitions {
            let environment = try registry.makeEnvironment(definition.id)
            for choice in RewardChoice.allCases where choice != .dense {
                do {
                    let model = try #require(try choice.makeModel(environment: environment, preset: .fast, seed: 0))
                    #expect(model.featureDimension == environment.classifierFeatureSpec.count, "\(definition.id) \(choice)")
                } catch {
                    Issue.record("\(choice) on \(definition.id): \(error)")
                }
            }
        }
    }

    @Test("sparse and count rewards are stored at collection; the count bonus is positive", arguments: [RewardChoice.sparse, .count])
    func storedRewards(choice: RewardChoice) throws {
        let (records, source) = try run(choice)
        #expect(source.timing == .storedAtCollection)
        #expect(records.count == 2)
        let mean = records[0].meanTrainingReward
        let steps = records[0].rewardModelSteps, loss = records[0].rewardModelLoss
        #expect(steps == 0 && loss == nil, "\(choice) takes no optimiser steps and has no loss, got \(String(describing: steps)), \(String(describing: loss))")
        if choice == .sparse {
            #expect(mean == -1, "no success in 200 random steps: every sparse reward is −1, got mean \(mean)")
        } else {
            #expect(mean > -1 && mean < 0, "count bonus should lift the −1 sparse reward, got mean \(mean)")
        }
    }

    @Test("VICE relabels every batch and trains each epoch, deterministically")
    func vice() throws {
        let (a, source) = try run(.vice)
        let (b, _) = try run(.vice)
        #expect(source.timing == .recomputedPerBatch)
        #expect(((source as? LearnedReward)?.model.updatesCompleted ?? 0) == 2)
        for record in a {
            #expect((record.rewardModelSteps ?? 0) > 0 && (record.rewardModelLoss ?? .nan).isFinite,
                    "each record should report the classifier's Adam steps and loss since the last one, got \(record)")
        }
        func strip(_ r: [TrainingRecord]) -> [TrainingRecord] { r.map { var r = $0; r.wallSeconds = 0; return r } }
        #expect(strip(a) == strip(b))
    }
}
