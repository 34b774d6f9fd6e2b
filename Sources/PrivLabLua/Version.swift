/// PrivLab's version, reported by `privlab --version` and in every report's header.
public let privlabVersion = "0.1.0"
