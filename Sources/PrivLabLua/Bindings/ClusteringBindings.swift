import Foundation
import PrivLab

final class GMMObject {
    let gmm: GaussianMixture
    init(_ g: GaussianMixture) { gmm = g }
}

final class KMeansObject {
    let km: KMeans
    init(_ k: KMeans) { km = k }
}

extension Runtime {
    func installClustering() {
        define("gmm") { call in
            let o = try call.options(1, fn: "gmm")
            var g = GaussianMixture.Options()
            g.components = try o.int("components", 2, min: 1, max: 1000)
            g.covariance = GaussianMixture.Covariance(rawValue: try o.string("covariance", "full", oneOf: GaussianMixture.Covariance.allCases.map(\.rawValue)))!
            g.maxIterations = try o.int("max_iter", 100, min: 1)
            g.tolerance = try o.double("tol", 1e-4, min: 0)
            g.regularization = try o.double("reg", 1e-6, min: 0)
            g.restarts = try o.int("n_init", 1, min: 1, max: 100)
            g.seed = try o.seed()
            try o.finish()
            call.pushObject(GMMObject(try GaussianMixture(options: g)), "GMM")
            return 1
        }
        define("kmeans") { call in
            let o = try call.options(1, fn: "kmeans")
            var k = KMeans.Options()
            k.k = try o.int("k", 8, min: 1, max: 100_000)
            k.initialization = KMeans.Initialization(rawValue: try o.string("init", "kmeans++", oneOf: KMeans.Initialization.allCases.map(\.rawValue)))!
            k.restarts = try o.int("n_init", 4, min: 1, max: 1000)
            k.maxIterations = try o.int("max_iter", 300, min: 1)
            k.tolerance = try o.double("tol", 1e-6, min: 0)
            k.seed = try o.seed()
            try o.finish()
            call.pushObject(KMeansObject(try KMeans(options: k)), "KMeans")
            return 1
        }

        var g = [String: HostFunction]()
        func gmm(_ call: LuaCall, _ m: String) throws -> GaussianMixture { try call.this(GMMObject.self, "GMM", method: m).gmm }
        g["fit"] = { call in
            try gmm(call, "fit").fit(try call.features(2, fn: "GMM.fit"))
            call.pushReceiver()
            return 1
        }
        g["score"] = { call in call.results(.number(try gmm(call, "score").score(try call.features(2, fn: "GMM.score")))) }
        g["score_samples"] = { call in call.results(.numbers(try gmm(call, "score_samples").scoreSamples(try call.features(2, fn: "GMM.score_samples")))) }
        g["bic"] = { call in call.results(.number(try gmm(call, "bic").bic(try call.features(2, fn: "GMM.bic")))) }
        g["aic"] = { call in call.results(.number(try gmm(call, "aic").aic(try call.features(2, fn: "GMM.aic")))) }
        g["predict"] = { call in call.results(.ints(try gmm(call, "predict").predict(try call.features(2, fn: "GMM.predict")))) }
        g["predict_proba"] = { call in
            call.results(.list(try gmm(call, "predict_proba").predictProba(try call.features(2, fn: "GMM.predict_proba")).map { .numbers($0) }))
        }
        g["means"] = { call in call.results(.list(try gmm(call, "means").means.map { .numbers($0) })) }
        g["weights"] = { call in call.results(.numbers(try gmm(call, "weights").weights)) }
        g["covariances"] = { call in call.results(.list(try gmm(call, "covariances").covariances.map { .numbers($0) })) }
        g["iterations"] = { call in call.results(.int(Int64(try gmm(call, "iterations").iterations))) }
        g["converged"] = { call in call.results(.bool(try gmm(call, "converged").converged)) }
        g["save"] = { call in
            try Runtime.checkFileAccess(call, "GMM.save")
            try ModelFile.save(.gmm(try gmm(call, "save")), to: try call.string(2, fn: "GMM.save", arg: "argument 1 (path)"))
            return 0
        }
        g["parameters"] = { call in call.results(.int(Int64(try gmm(call, "parameters").freeParameters))) }
        // gmm:sample{n=, seed=} → a Dataset whose labels are the components that generated each row.
        g["sample"] = { call in
            let m = try gmm(call, "sample")
            let o = try call.options(2, fn: "GMM.sample", optional: false)
            let n = try o.int("n", 100, min: 1, max: 10_000_000)
            let seed = try o.seed()
            try o.finish()
            let (x, comps) = try m.sample(n, seed: seed)
            call.pushDataset(try Dataset(features: x, labels: comps, classes: m.options.components, name: "gmm-sample"))
            return 1
        }
        lua.register(LuaClass(name: "GMM", methods: g) {
            let m = ($0 as! GMMObject).gmm
            return "GMM(\(m.options.components) components, \(m.options.covariance.rawValue) covariance, " +
                (m.isFitted ? "fitted on \(m.dimension) features in \(m.iterations) iterations)" : "not fitted)")
        })

        var k = [String: HostFunction]()
        func km(_ call: LuaCall, _ m: String) throws -> KMeans { try call.this(KMeansObject.self, "KMeans", method: m).km }
        k["fit"] = { call in
            try km(call, "fit").fit(try call.features(2, fn: "KMeans.fit"))
            call.pushReceiver()
            return 1
        }
        k["predict"] = { call in call.results(.ints(try km(call, "predict").predict(try call.features(2, fn: "KMeans.predict")))) }
        k["save"] = { call in
            try Runtime.checkFileAccess(call, "KMeans.save")
            try ModelFile.save(.kmeans(try km(call, "save")), to: try call.string(2, fn: "KMeans.save", arg: "argument 1 (path)"))
            return 0
        }
        k["inertia"] = { call in call.results(.number(try km(call, "inertia").inertia)) }
        k["iterations"] = { call in call.results(.int(Int64(try km(call, "iterations").iterations))) }
        k["centers"] = { call in
            let c = try km(call, "centers").centers
            return call.results(.list((0..<c.rows).map { .numbers(c.row($0).map(Double.init)) }))
        }
        lua.register(LuaClass(name: "KMeans", methods: k) {
            let m = ($0 as! KMeansObject).km
            return "KMeans(k=\(m.options.k), " + (m.isFitted ? "inertia \(formatCompact(m.inertia)))" : "not fitted)")
        })
    }
}
