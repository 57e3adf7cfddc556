/// The version of the JSRun SDK: a semantic version, the same as the release tag and the top
/// entry of `CHANGELOG.md`.
///
/// ```swift
/// print(JSRunVersion.current)            // 0.1.0
/// if JSRunVersion.current >= JSRunVersion(major: 0, minor: 1, patch: 0) { ... }
/// ```
///
/// V8's own version is ``V8Platform/version``.
public struct JSRunVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Incremented for changes that break source compatibility (while it is 0, a minor version
    /// may break it, as semantic versioning allows).
    public let major: Int
    /// Incremented for new features that keep source compatibility.
    public let minor: Int
    /// Incremented for fixes.
    public let patch: Int

    /// The version of the SDK that this code is.
    public static let current = JSRunVersion(major: 0, minor: 1, patch: 0)

    /// A version from its three numbers.
    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// The version as `major.minor.patch`, for example `"0.1.0"`.
    public var description: String { "\(major).\(minor).\(patch)" }

    /// Orders versions by major, then minor, then patch number.
    public static func < (lhs: JSRunVersion, rhs: JSRunVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
