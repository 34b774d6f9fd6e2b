import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// A student's DP-SGD step written in Lua (`fit(ds, {private_step = …})`, issue 32 item 7): the
/// faithful one is accounted exactly as the built-in; one that skips clipping, draws its own noise
/// or scales it wrongly trains but is reported unaccounted, naming the step that differed.
final class PrivateStepBindingTests: XCTestCase {
    func text(_ v: LuaValue) -> String { if case .string(let s) = v { return s }; return "" }

    static let steps = """
        local function clipped_sum(grads, clip)
          local sum = {}
          for j = 1, #grads[1] do sum[j] = 0 end
          for _, g in ipairs(grads) do
            local n = 0
            for j = 1, #g do n = n + g[j] * g[j] end
            local f = math.min(1, clip / (math.sqrt(n) + 1e-6))
            for j = 1, #g do sum[j] = sum[j] + f * g[j] end
          end
          return sum
        end
        local function faithful(grads, ctx)
          local s = clipped_sum(grads, ctx.clip)
          for j = 1, #s do s[j] = s[j] + ctx.noise_multiplier * ctx.clip * ctx.gaussian[j] end
          return s
        end
        local function unclipped(grads, ctx)
          local s = clipped_sum(grads, math.huge)
          for j = 1, #s do s[j] = s[j] + ctx.noise_multiplier * ctx.clip * ctx.gaussian[j] end
          return s
        end
        local function own_noise(grads, ctx)
          local s = clipped_sum(grads, ctx.clip)
          for j = 1, #s do s[j] = s[j] + ctx.noise_multiplier * ctx.clip * (math.random() - 0.5) end
          return s
        end
        local d = pl.data.blobs{n = 300, features = 4, classes = 3, seed = 4}
        local function train(step)
          local m = pl.softmax{epochs = 2, batch = 50, lr = 0.5, seed = 1, dp = {clip = 0.05, noise = 1.0}}
          m:fit(d, step and {private_step = step} or nil)
          return m
        end
        """

    func testAFaithfulLuaStepIsAccountedAsTheBuiltIn() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec(Self.steps + "\n" + """
            local builtin, mine = train(nil), train(faithful)
            return builtin:privacy().epsilon, mine:privacy().epsilon, mine:privacy().note or "", mine:accuracy(d)
            """)
        XCTAssertTrue(r[0].double!.isFinite)
        XCTAssertEqual(r[1].double!, r[0].double!, accuracy: 1e-12, "same sampling, σ and steps: the same ε")
        XCTAssertFalse(text(r[2]).contains("unaccounted"))
        XCTAssertGreaterThan(r[3].double!, 0.6, "the student's step trains the model")
    }

    func testAStepThatDiffersIsReportedUnaccounted() throws {
        let (rt, _) = try makeRuntime()
        let r = try rt.exec(Self.steps + "\n" + """
            local a, b = train(unclipped), train(own_noise)
            return a:privacy().epsilon, a:privacy().note, b:privacy().epsilon, b:privacy().note
            """)
        XCTAssertEqual(r[0].double, .infinity)
        XCTAssertTrue(text(r[1]).contains("unaccounted") && text(r[1]).contains("at step 1"), "\(r[1])")
        XCTAssertEqual(r[2].double, .infinity)
        XCTAssertTrue(text(r[3]).contains("unaccounted"), "\(r[3])")
    }

    func testBadStepsGetClearErrors() throws {
        let (rt, _) = try makeRuntime()
        let setup = Self.steps + "\n"
        assertLuaError(rt, setup + "local m = pl.softmax{epochs = 1, seed = 1}; m:fit(d, {private_step = faithful})",
                       ["a private step (private_step) replaces DP-SGD's clipping and noise: give the model dp = {…}"])
        assertLuaError(rt, setup + "train(function(g, ctx) return {1, 2} end)", ["the private step returned 2 values, expected one per trained parameter (15)"])
        assertLuaError(rt, setup + "train(function(g, ctx) return 7 end)", ["private_step must return a list of 15 numbers"])
        assertLuaError(rt, setup + "train(function(g, ctx) error('my bug') end)", ["private_step failed at step 1", "my bug"])
        assertLuaError(rt, setup + "train(function(g, ctx) local s = faithful(g, ctx); s[3] = 0/0; return s end)", ["NaN or infinite value at step 1"])
    }
}
