extension Array where Element: Comparable {
    /// The position of the largest element, the first among equals (NumPy's `argmax`): the tie
    /// rule every aggregation, label and noisy arg max here relies on for determinism.
    public var firstMaxIndex: Int? {
        guard var best = indices.first else { return nil }
        for i in indices.dropFirst() where self[i] > self[best] { best = i }
        return best
    }
}
