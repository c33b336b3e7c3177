import Testing

@testable import Domain

@Suite("A voice note's words choosing a category")
struct SpokenCategoryTests {
    @Test func interruptionsByTheirWords() {
        #expect(SpokenCategory.interruption("someone knocked at the door") == .door)
        #expect(SpokenCategory.interruption("my phone rang with a work call so i stopped the timer") == .workCall)
        #expect(SpokenCategory.interruption("The kids needed help with their homework.") == .family)
        #expect(SpokenCategory.interruption("a notification on my phone broke my concentration") == .notification)
        #expect(SpokenCategory.interruption("i lost focus and started reading the news") == .lostFocus)
        #expect(SpokenCategory.interruption("DOOR!") == .door, "typed text reads the same")
    }

    @Test func breaksByTheirWords() {
        #expect(SpokenCategory.breakActivity("i am going to make a cup of tea") == .teaCoffee)
        #expect(SpokenCategory.breakActivity("a short walk outside") == .walk)
        #expect(SpokenCategory.breakActivity("lunch") == .food)
        #expect(SpokenCategory.breakActivity("i will lie down and rest my eyes") == .rest)
        #expect(SpokenCategory.breakActivity("scrolled instagram on my phone") == .phone)
    }

    @Test func noGuessOnNothingOrATie() {
        #expect(SpokenCategory.interruption("") == nil)
        #expect(SpokenCategory.interruption("it was raining") == nil)
        #expect(SpokenCategory.interruption("a text from my boss") == nil, "one word each: a tie")
        #expect(SpokenCategory.breakActivity("the kettle broke so i went for a walk") == nil)
        #expect(SpokenCategory.breakActivity("doors and windows") == nil)
        #expect(SpokenCategory.interruption("outdoors") == nil, "whole words only")
    }
}
