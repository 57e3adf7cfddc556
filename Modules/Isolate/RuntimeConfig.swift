/// How to set up a ``Runtime``. Every property has a default, so `RuntimeConfig()` works.
///
/// ```swift
/// let runtime = try Runtime(RuntimeConfig(name: "plugin-host"))
/// ```
public struct RuntimeConfig: Sendable {
    /// A name for the runtime, shown in its thread's name (`jsrun:NAME`, as far as Linux keeps
    /// it) and in ``Runtime/description``: useful when a process runs many runtimes.
    public var name: String

    public init(name: String = "runtime") {
        self.name = name
    }
}
