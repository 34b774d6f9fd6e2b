import Foundation

/// The small public tabular data sets shipped in the project's `data/` folder (sources and
/// licences in `data/README.md`): `<name>.csv` with a header and a `label` column, and
/// `<name>.classes` naming the classes in label order.
public enum BundledData: String, CaseIterable, Sendable {
    case digits
    case breastCancer = "breast_cancer"
    case wine

    /// Loads the data set from `directory` (the project's `data/` folder).
    public func load(directory: String) throws -> Dataset {
        let base = URL(fileURLWithPath: directory).appendingPathComponent(rawValue)
        var ds = try CSVReader.load(path: base.appendingPathExtension("csv").path)
        ds.name = rawValue
        if let text = try? String(contentsOf: base.appendingPathExtension("classes"), encoding: .utf8) {
            let names = text.split(separator: "\n").map(String.init)
            guard names.count == ds.classes else {
                throw PrivLabError.malformedFile(location: base.appendingPathExtension("classes").path,
                                                 reason: "\(names.count) class names for \(ds.classes) classes")
            }
            ds.classNames = names
        }
        return ds
    }
}
