import Testing

extension Tag {
    /// Tests that start `mural` processes; filter them out for a fast loop.
    @Tag static var slow: Self
}
