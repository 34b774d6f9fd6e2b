import PrivLab

/// The Attack methods besides evaluate: what each takes and returns, so `privlab doc Attack.<method>`
/// and the stubs say it.
extension AttackDeclarations {
    static let records = ArgumentSpec("data", "Dataset", "the records (features and labels; ids are carried along)")

    static let methods: [FunctionDeclaration] = [
        FunctionDeclaration("Attack.scores", "each record's membership score (higher: more likely a member), in the data set's order",
                            arguments: [records], returns: "number[]"),
        FunctionDeclaration("Attack.risk", "Song & Mittal's privacy risk score of each record: the posterior probability of membership given its signal and class (metric attacks calibrated on shadow models, pl.attack.metric{…, data = …}; an error for the others)",
                            arguments: [records], returns: "number[]"),
        FunctionDeclaration("Attack.threat", "the attacker's stated knowledge and access (printed with every evaluation), plus the query budget's use when the target has one",
                            returns: "table",
                            resultFields: [
                                ResultField("<aspect>", "string", "one statement per aspect of the threat model (e.g. access, signal), in words"),
                                ResultField("query budget", "string", "with a budget: \"<used> of <budget> records queried\""),
                            ]),
        FunctionDeclaration("Attack.queries", "queries made to the target so far, in records (perturbed copies and RMIA's population records included): black-box budget accounting", returns: "integer"),
        FunctionDeclaration("Attack.name", "the attack's name, with its variant (e.g. \"LiRA (online, per-example variance)\")", returns: "string"),
        FunctionDeclaration("Attack.info", "what the attack learnt on its own data (shadow accuracies, thresholds, the attack model chosen)",
                            returns: "table",
                            resultFields: [
                                ResultField("name", "string", "the attack's name"),
                                ResultField("queries", "integer", "records queried from the target so far (as queries())"),
                                ResultField("threshold", "number", "the attack's own decision threshold, when it calibrated one"),
                                ResultField("<fact>", "number|integer|table[]", "each thing it learnt, by name (e.g. shadow_test_accuracy, global_threshold; class_thresholds as {class =, threshold =} rows)"),
                                ResultField("attack_model", "string", "learned attacks: the attack model used"),
                                ResultField("attack_model_chosen_by", "string", "learned attacks: \"fixed\", or \"validation: …\" saying how it was chosen"),
                                ResultField("attack_model_refit", "boolean", "learned attacks: whether the chosen configuration was refitted on every shadow record after the search"),
                                ResultField("attack_training_auc", "number", "learned attacks: the final attack model's AUC on its own training records (the shadows' in and out)"),
                                ResultField("attack_model_candidates", "table[]", "learned attacks: per candidate {candidate =, model =, per_class =, features =, sorted =, held_out_auc =, chosen =}"),
                            ]),
    ]
}

/// The ReferenceModels methods (`pl.attack.reference_models`).
extension AttackDeclarations {
    static let referenceModelMethods: [FunctionDeclaration] = [
        FunctionDeclaration("ReferenceModels.count", "the number of reference models trained", returns: "integer"),
        FunctionDeclaration("ReferenceModels.pool_size", "the records of the pool each model drew its random half from (0 when unknown)", returns: "integer"),
    ]
}
