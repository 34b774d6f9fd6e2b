import PrivLabLua

extension OptionBound {
    /// A value just outside a fixed bound (one step for an integer option, half a unit for a
    /// number), which the bad-value tests pass to see the declared error; nil for the bounds that
    /// name another option, the data or parity.
    func violatingValue(integer: Bool) -> Double? {
        switch self {
        case .atLeast(let x): return integer ? x - 1 : x - 0.5
        case .above(let x): return x
        case .atMost(let x): return integer ? x + 1 : x + 0.5
        case .below(let x): return x
        default: return nil
        }
    }
}
