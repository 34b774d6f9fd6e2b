import Foundation
import PrivLab
import PrivLabLua
import XCTest

/// `pl.synth.*` from Lua: releases are Datasets with a privacy statement; fidelity and the
/// closest-record attack are plain tables; bad options are clear errors.
final class SynthesisBindingTests: XCTestCase {
    func testReleasesFromLua() throws {
        let (rt, sink) = try makeRuntime()
        try rt.exec("""
            local d = pl.data.blobs{n = 600, features = 6, classes = 3, std = 1, box = 3, seed = 2}
            local rm, p = pl.synth.random_mixing{data = d, m = 6, clip = 8, epsilon = 2, outputs = 300, seed = 1}
            print(rm:size(), rm:nfeatures(), rm:nclasses(), p.epsilon <= 2, p.epsilon > 1.9, p.accountant, #p.notes)
            local cm, q = pl.synth.clustmix{data = d, m = 6, clip = 8, epsilon = 2, clusters = 2, seed = 1}
            print(cm:size(), q.epsilon <= 2, q.notes[1]:find("DP k-means", 1, true) ~= nil)
            local pub = pl.data.blobs{n = 300, features = 6, classes = 3, std = 1, box = 3, seed = 5}
            local cp, qp = pl.synth.clustmix{data = d, public = pub, m = 6, clip = 8, noise = 1, cluster_noise = 2, clusters = 2, seed = 1}
            print(qp.notes[1]:find("public data") ~= nil, qp.noise)
            local f = pl.synth.mmd(cm, d)
            print(f.mmd2 < 0.5, f.bandwidth > 0, pl.synth.dcr{release = d, members = d, nonmembers = pub}.auc)
            local a, pa = pl.synth.kip{release = cm, privacy = q, data = d, support = 20, steps = 5, batch = 50, epsilon = 3, seed = 1}
            print(a:size(), math.abs(pa.epsilon - 3) < 0.01, #pa.phases, pa.notes[#pa.notes]:find("adapted by KIP", 1, true) ~= nil)
            local ad, pad = pl.synth.clustmix{data = d, m = 6, clip = 8, epsilon = 2, clusters = 2, seed = 1, adapt = {support = 15, steps = 3, batch = 40}}
            print(ad:size(), math.abs(pad.epsilon - 2) < 0.01, #pad.phases)
            """)
        assertPrinted(sink.text, "300\t6\t3\ttrue\ttrue\trdp\t1\n600\ttrue\ttrue\ntrue\t1.0\ntrue\ttrue\t1.0\n20\ttrue\t3\ttrue\n15\ttrue\t3\n",
                      facts: ["random mixing outputs", "features", "classes", "ε within the target", "ε calibrated close to it", "the accountant", "notes",
                              "ClustMix outputs (one per record)", "ClustMix ε within the target", "the note names DP k-means",
                              "public centres are noted", "the noise given is used",
                              "MMD² of ClustMix to the data < 0.5", "a positive bandwidth", "DCR AUC of the data against itself",
                              "KIP support points", "KIP meets its ε", "phases composed", "the note says adapted by KIP",
                              "ClustMix + Adapt support points", "the whole budget is met", "phases composed (k-means, mixing, KIP)"])
        assertLuaError(rt, "local d = pl.data.blobs{n = 60}; local r, p = pl.synth.random_mixing{data = d, epsilon = 2}; pl.synth.kip{release = r, privacy = p, data = d, support = 10, batch = 20, epsilon = 1}",
                       ["kip: the release already spends"])
        assertLuaError(rt, "pl.synth.random_mixing{data = pl.data.blobs{n = 20}, m = 50, epsilon = 1}", ["random_mixing: m = 50 exceeds the 20 records"])
        assertLuaError(rt, "pl.synth.clustmix{data = pl.data.blobs{n = 20}, epsilon = 0}", ["synth.clustmix: option 'epsilon' must be greater than 0"])
        assertLuaError(rt, "pl.synth.clustmix{data = pl.data.blobs{n = 20}, epsilon = 1, clusers = 2}", ["unknown option 'clusers'", "clusters"])
        assertLuaError(rt, "pl.synth.random_mixing{epsilon = 1}", ["synth.random_mixing: option 'data' is required"])
    }
}
