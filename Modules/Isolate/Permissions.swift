/// Something a runtime may be allowed to do. A runtime has only the permissions its
/// ``RuntimeConfig/permissions`` grants; a host function or op that declares one it lacks
/// fails with a JavaScript `PermissionDenied` error, and its Swift closure never runs.
///
/// ```swift
/// var config = RuntimeConfig()
/// config.permissions.insert(.network)
/// config.permissions.insert(.fileRead("/srv/data"))
/// config.permissions.insert(.custom("payments"))
/// config.permissions.remove(.timers)        // no setTimeout / setInterval at all
/// ```
public struct Permission: Hashable, Sendable, CustomStringConvertible {
    /// The permission's name (`"network"`, `"fileRead"`, a custom name).
    public var name: String
    /// What it is limited to, for scoped permissions (`fileRead`'s root), else `nil`.
    public var scope: String?

    /// The permission `name`, limited to `scope` when given. A runtime has a permission only
    /// when it holds an equal one, name and scope: `.fileRead("/")` does not cover
    /// `.fileRead("/srv")`.
    public init(_ name: String, scope: String? = nil) {
        self.name = name
        self.scope = scope
    }

    /// `setTimeout`, `setInterval` and their `clear` functions exist. Granted by default.
    public static let timers = Permission("timers")
    /// `console` reaches ``RuntimeConfig/console``. Granted by default.
    public static let console = Permission("console")
    /// Host functions that reach the network.
    public static let network = Permission("network")
    /// Host functions that read files under `root`.
    public static func fileRead(_ root: String) -> Permission { Permission("fileRead", scope: root) }
    /// Host functions that write files under `root`.
    public static func fileWrite(_ root: String) -> Permission { Permission("fileWrite", scope: root) }
    /// A permission of the host's own.
    public static func custom(_ name: String) -> Permission { Permission(name) }

    /// What a runtime has unless its configuration says otherwise: timers and the console,
    /// as in the reference library; nothing that reaches outside.
    public static let defaults: Set<Permission> = [.timers, .console]

    public var description: String { scope.map { "\(name)(\($0))" } ?? name }
}

/// A host function or op was called without the permission it needs. JavaScript sees an
/// `Error` named `PermissionDenied`; uncaught, it comes back to Swift as this error.
public struct PermissionDenied: Error, Sendable, Equatable, CustomStringConvertible {
    /// The function or op that was called.
    public var function: String
    /// The permission it needs.
    public var permission: Permission

    public var description: String {
        "\(function) needs the permission '\(permission)', which this runtime was not granted"
    }
}
