/// A model's architecture and hyper-parameters as an attacker who knows them holds them (Shokri et
/// al., S&P 2017, §IV: shadow models copy "the same ML platform" as the target): fresh, re-seeded,
/// untrained copies to train as shadow or reference models — and nothing of the fitted model, no
/// weights and no queries. Every `Classifier` is one; a query-budgeted target forwards its wrapped
/// model's, since the budget limits queries and knowing the architecture costs none.
public protocol ModelArchitecture: AnyObject {
    /// A short description of the model and its hyper-parameters.
    var summary: String { get }
    /// A fresh, untrained copy whose random streams come from `seed`.
    func reseededClone(seed: UInt64) throws -> Classifier
    /// Whether copies must train on the thread that called into the engine (a Lua step).
    var runsOnCallingThread: Bool { get }
}

extension ModelArchitecture {
    /// `workers`, or 1 when the model must stay on the calling thread.
    public func parallelWorkers(_ workers: Int) -> Int { runsOnCallingThread ? 1 : workers }

    /// This template as a component that re-seeds every copy it trains from its own `seed` shows
    /// it: with that seed in place of the template's, which the component never uses. A reloaded
    /// component's templates are copies of its stored (re-seeded) models, so showing the
    /// template's own seed would make the same component read differently after `save`/`load`.
    public func summary(reseededWith seed: UInt64) -> String { (try? reseededClone(seed: seed).summary) ?? summary }
}

extension Predictor {
    /// The architecture this model reveals to an attacker who knows it, or the error naming `what`
    /// needed it (a model that only predicts and reveals nothing: the attacker must guess one).
    public func requireArchitecture(_ what: String) throws -> ModelArchitecture {
        guard let a = self as? ModelArchitecture else {
            throw PrivLabError.invalidArgument("\(what): \(summary) does not reveal its architecture: give the attacker's guess (shadow_model)")
        }
        return a
    }
}
