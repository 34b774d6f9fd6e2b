import PrivLab

/// The Clients methods (`pl.data.clients`, `pl.data.users`): what each takes and returns, so
/// `privlab doc Clients.<method>` and the stubs say it. Clients are numbered from 1.
extension FederatedDeclarations {
    static let clientsMethods: [FunctionDeclaration] = [
        FunctionDeclaration("Clients.count", "the number of clients", returns: "integer"),
        FunctionDeclaration("Clients.sizes", "each client's number of records, client 1 first", returns: "integer[]"),
        FunctionDeclaration("Clients.class_counts", "per client, its records per class (class 0 first)", returns: "integer[][]"),
        FunctionDeclaration("Clients.data", "the records the clients were made from, as one Dataset (with groups, also any record no client names)", returns: "Dataset"),
        FunctionDeclaration("Clients.client", "one client's records (ids kept)",
                            arguments: [ArgumentSpec("k", "integer", "the client, 1 … count")], returns: "Dataset"),
        FunctionDeclaration("Clients.subset", "only these clients, as new Clients over their records (e.g. to hold some out of training)",
                            arguments: [ArgumentSpec("clients", "integer|integer[]", "the clients (1-based)")], returns: "Clients"),
    ]
}
