import PrivLab

/// `pl.softmax`, `pl.mlp`, `pl.cnn` and `pl.rnn`: options read through `ModelDeclarations`, a network built.
extension Runtime {
    func installNetworks() {
        define(ModelDeclarations.softmax) { call in
            let o = try call.options(1, ModelDeclarations.softmax)
            let (opt, cb) = try Runtime.trainingOptions(o)
            try o.finish()
            call.pushObject(ModelObject(try NeuralNetwork.softmaxRegression(options: opt), onEpoch: cb), "Model")
            return 1
        }
        define(ModelDeclarations.mlp) { call in
            let o = try call.options(1, ModelDeclarations.mlp)
            let hidden = try o.integers("hidden")
            let act: ActivationKind = try o.choice("activation")
            let dropout = try o.number("dropout")
            var (opt, cb) = try Runtime.trainingOptions(o)
            opt.frozenLayers = try o.optionalInteger("frozen")
            try o.finish()
            let net = try NeuralNetwork.mlp(hidden: hidden, activation: act, dropout: dropout, options: opt)
            call.pushObject(ModelObject(net, onEpoch: cb), "Model")
            return 1
        }
        define(ModelDeclarations.cnn) { call in try Runtime.cnn(call) }
        define(ModelDeclarations.rnn) { call in try Runtime.rnn(call) }
        define(ModelDeclarations.transfer) { call in try Runtime.transfer(call) }
    }

    /// `pl.transfer{base =, layers =, frozen =, head = {…}, …training options}`.
    static func transfer(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, ModelDeclarations.transfer)
        guard case .object(let b) = o.raw("base"), let base = b.value as? ModelObject else {
            throw LuaError("transfer: option 'base' must be a fitted network Model (pl.mlp, pl.cnn, pl.rnn, …), got \(o.raw("base").typeName)")
        }
        let layers = try o.optionalInteger("layers")
        let frozen = try o.optionalInteger("frozen")
        let head = try o.integers("head")
        let act: ActivationKind = try o.choice("activation")
        let dropout = try o.number("dropout")
        var (opt, cb) = try Runtime.trainingOptions(o)
        try o.finish()
        let k = try layers ?? NeuralNetwork.transferableLayers(base.model, fn: "transfer")
        opt.frozenLayers = frozen ?? k
        let net = try NeuralNetwork.transfer(base: base.model, layers: k, head: head, activation: act, dropout: dropout, options: opt)
        call.pushObject(ModelObject(net, onEpoch: cb), "Model")
        return 1
    }

    static func rnn(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, ModelDeclarations.rnn)
        let cell: RecurrentCellKind = try o.choice("cell")
        let hidden = try o.integer("hidden")
        let layers = try o.integer("layers")
        let steps = try o.integer("steps")
        let allSteps = try o.flag("all_steps")
        let head = try o.integers("head")
        let act: ActivationKind = try o.choice("activation")
        let dropout = try o.number("dropout")
        var (opt, cb) = try Runtime.trainingOptions(o)
        opt.frozenLayers = try o.optionalInteger("frozen")
        try o.finish()
        let net = try NeuralNetwork.rnn(cell: cell, hidden: hidden, layers: layers, steps: steps, allSteps: allSteps, head: head,
                                        activation: act, dropout: dropout, options: opt)
        call.pushObject(ModelObject(net, onEpoch: cb), "Model")
        return 1
    }

    static func cnn(_ call: LuaCall) throws -> Int32 {
        let o = try call.options(1, ModelDeclarations.cnn)
        let channels = try o.integers("channels")
        if channels.isEmpty { throw LuaError("cnn: option 'channels' must list at least one positive channel count") }
        let kernel = try o.integer("kernel")
        let pool: PoolChoice = try o.choice("pool")
        let poolSize = try o.integer("pool_size")
        let poolStride = try o.optionalInteger("pool_stride")
        let hidden = try o.integers("hidden")
        let act: ActivationKind = try o.choice("activation")
        let dropout = try o.number("dropout")
        let shape = try o.optionalIntegers("input_shape")
        if let s = shape, s.count != 3 { throw LuaError("cnn: option 'input_shape' must be {channels, height, width}") }
        var (opt, cb) = try Runtime.trainingOptions(o)
        opt.frozenLayers = try o.optionalInteger("frozen")
        try o.finish()
        let net = try NeuralNetwork.cnn(channels: channels, kernel: kernel, pool: pool.kind, poolSize: poolSize, poolStride: poolStride, hidden: hidden,
                                        activation: act, dropout: dropout, inputShape: shape, options: opt)
        call.pushObject(ModelObject(net, onEpoch: cb), "Model")
        return 1
    }
}
