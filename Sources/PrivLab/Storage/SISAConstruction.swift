extension SISAEnsemble {
    /// An ensemble whose checkpointed constituents are restored through every stored kind this
    /// privlab knows (`ComponentRegistry.standard`): a defended model can be a constituent.
    public convenience init(options: SISAOptions, model: Classifier, directory: String? = nil) throws {
        try self.init(options: options, model: model, directory: directory, components: ComponentRegistry.standard)
    }
}
