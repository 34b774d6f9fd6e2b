import CLua
import Foundation
import PrivLab

/// `model:fit(ds, {private_step = function(grads, ctx) … end})`: a student's DP-SGD clipping and
/// noise, called at every step with the batch's per-example gradients (`grads[i][j]`, example i,
/// parameter j in `model:parameters()` order, each the gradient of that example's own loss) and
/// `ctx = {clip = C, noise_multiplier = σ, step = k, gaussian = {z₁, …, z_P}}` (the step's N(0, 1)
/// draws). It returns the noisy sum {s₁, …, s_P}; the engine divides it by the expected batch size
/// and updates. The engine checks each step against its own clipping and noise on the same
/// gradients and draws (`CustomDPStep`): ε is claimed only if every step matched.
final class LuaPrivateStep: CustomPrivateStep {
    let function: LuaRef
    unowned let runtime: Runtime
    let thread: OpaquePointer?

    init(function: LuaRef, runtime: Runtime, thread: OpaquePointer?) {
        self.function = function
        self.runtime = runtime
        self.thread = thread
    }

    func noisySum(perExample: Matrix, clip: Double, noiseMultiplier: Double, step: Int, gaussian: [Double]) throws -> [Double] {
        let grads = LuaValue.list((0..<perExample.rows).map { .numbers(perExample.row($0).map(Double.init)) })
        let ctx = LuaValue.record(["clip": .number(clip), "noise_multiplier": .number(noiseMultiplier),
                                   "step": .int(Int64(step)), "gaussian": .numbers(gaussian)])
        let result: LuaValue
        do {
            result = try runtime.lua.call(function, [grads, ctx], on: thread).first ?? .nil
        } catch let e as LuaError {
            throw PrivLabError.invalidArgument("Model.fit: private_step failed at step \(step): \(e.message)")
        }
        guard case .table(let t) = result, t.fields.isEmpty else {
            throw PrivLabError.invalidArgument("Model.fit: private_step must return a list of \(perExample.cols) numbers (the noisy sum), got \(result.typeName)")
        }
        return try t.array.enumerated().map { i, v in
            guard let d = v.double else {
                throw PrivLabError.invalidArgument("Model.fit: private_step's result [\(i + 1)] is a \(v.typeName), not a number")
            }
            return d
        }
    }
}
