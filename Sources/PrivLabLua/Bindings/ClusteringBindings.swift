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

/// The declarations of `pl.gmm`, `pl.kmeans` and GMM:sample.
enum ClusteringDeclarations {
    static let gmm = FunctionDeclaration(
        "gmm", "a Gaussian mixture fitted by EM (scikit-learn's GaussianMixture)",
        options: [
            .integer("components", "number of mixture components", default: 2, .atLeast(1), .atMost(1000)),
            .choice("covariance", GaussianMixture.Covariance.self, "covariance structure of each component", default: .full),
            .integer("max_iter", "EM iteration limit", default: 100, .atLeast(1)),
            .number("tol", "convergence tolerance: gain in mean log-likelihood below which EM stops", default: 1e-4, .atLeast(0)),
            .number("reg", "added to covariance diagonals for stability", default: 1e-6, .atLeast(0)),
            .integer("n_init", "restarts (the best is kept)", default: 1, .atLeast(1), .atMost(100)),
            .seed("seed of the initialisation"),
        ],
        returns: "GMM")

    static let kmeans = FunctionDeclaration(
        "kmeans", "k-means clustering (Lloyd's algorithm; scikit-learn's KMeans)",
        options: [
            .integer("k", "number of clusters", default: 8, .atLeast(1), .atMost(100_000)),
            .choice("init", KMeans.Initialization.self, "initialisation of the centres", default: .kmeansPlusPlus),
            .integer("n_init", "restarts (the lowest inertia is kept)", default: 4, .atLeast(1), .atMost(1000)),
            .integer("max_iter", "iteration limit", default: 300, .atLeast(1)),
            .number("tol", "convergence tolerance: relative decrease of the inertia below which iterations stop", default: 1e-6, .atLeast(0)),
            .seed("seed of the initialisation"),
        ],
        returns: "KMeans")

    static let sample = FunctionDeclaration(
        "GMM.sample", "records drawn from the fitted mixture; each one's label is the component that generated it",
        options: [.integer("n", "records drawn", default: 100, .atLeast(1), .atMost(10_000_000)), .seed("seed of the draw")],
        returns: "Dataset")
}

extension Runtime {
    func installClustering() {
        define(ClusteringDeclarations.gmm) { call in
            let o = try call.options(1, ClusteringDeclarations.gmm)
            var g = GaussianMixture.Options()
            g.components = try o.integer("components")
            g.covariance = try o.choice("covariance")
            g.maxIterations = try o.integer("max_iter")
            g.tolerance = try o.number("tol")
            g.regularization = try o.number("reg")
            g.restarts = try o.integer("n_init")
            g.seed = try o.seed()
            try o.finish()
            call.pushObject(GMMObject(try GaussianMixture(options: g)), "GMM")
            return 1
        }
        define(ClusteringDeclarations.kmeans) { call in
            let o = try call.options(1, ClusteringDeclarations.kmeans)
            var k = KMeans.Options()
            k.k = try o.integer("k")
            k.initialization = try o.choice("init")
            k.restarts = try o.integer("n_init")
            k.maxIterations = try o.integer("max_iter")
            k.tolerance = try o.number("tol")
            k.seed = try o.seed()
            try o.finish()
            call.pushObject(KMeansObject(try KMeans(options: k)), "KMeans")
            return 1
        }
        installGMMClass()
        installKMeansClass()
    }

    private func installGMMClass() {
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
            let o = try call.options(2, ClusteringDeclarations.sample, optional: false)
            let n = try o.integer("n")
            let seed = try o.seed()
            try o.finish()
            let (x, comps) = try m.sample(n, seed: seed)
            call.pushDataset(try Dataset(features: x, labels: comps, classes: m.options.components, name: "gmm-sample"))
            return 1
        }
        declare(ClusteringDeclarations.sample)
        for d in ClusteringDeclarations.gmmMethods { declare(d) }
        lua.register(LuaClass(name: "GMM", methods: g) {
            let m = ($0 as! GMMObject).gmm
            return "GMM(\(m.options.components) components, \(m.options.covariance.rawValue) covariance, " +
                (m.isFitted ? "fitted on \(m.dimension) features in \(m.iterations) iterations)" : "not fitted)")
        })
    }

    private func installKMeansClass() {
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
        for d in ClusteringDeclarations.kmeansMethods { declare(d) }
        lua.register(LuaClass(name: "KMeans", methods: k) {
            let m = ($0 as! KMeansObject).km
            return "KMeans(k=\(m.options.k), " + (m.isFitted ? "inertia \(formatCompact(m.inertia)))" : "not fitted)")
        })
    }
}
