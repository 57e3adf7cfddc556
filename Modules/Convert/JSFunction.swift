/// A JavaScript function held by Swift: a handle to a function that lives in one runtime.
///
/// A function is not a value that can be copied out of JavaScript: `JSFunction` refers to the
/// function inside its runtime, keeps it alive there, and calls it there. Passing the handle back
/// into the same runtime gives JavaScript the very same function. Calling it is done through
/// the runtime's module (`import JSRunIsolate` adds `call` and `callAsync`).
///
/// The handle releases the function when the last Swift reference to it goes away, or earlier
/// with ``release()``; after that, and after its runtime closes, using it is a clear error.
///
/// Two handles are equal when they are the same handle. Two handles taken from the same
/// JavaScript function at different times are different handles, as two JavaScript references
/// compared from outside cannot be told apart by value.
public final class JSFunction: Sendable, Hashable, CustomStringConvertible {
    /// The runtime's side of the handle.
    package let reference: any JSFunctionReference

    package init(reference: any JSFunctionReference) {
        self.reference = reference
    }

    deinit { reference.release() }

    /// The function's `name` property when the handle was made (`""` for an anonymous one).
    public var name: String { reference.name }

    /// Whether ``release()`` was called or the runtime was closed.
    public var isReleased: Bool { reference.isReleased }

    /// Lets the runtime free the function now rather than when the handle goes away.
    /// Idempotent; never blocks.
    public func release() { reference.release() }

    public static func == (lhs: JSFunction, rhs: JSFunction) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// `[Function: name]`, as Node prints a function.
    public var description: String { name.isEmpty ? "[Function (anonymous)]" : "[Function: \(name)]" }
}

/// What a runtime implements for the functions it hands out. `JSRunConvert` knows nothing of V8;
/// `JSRunIsolate` provides the implementation.
package protocol JSFunctionReference: AnyObject, Sendable {
    var name: String { get }
    var isReleased: Bool { get }
    /// Frees the function in its runtime; idempotent, non-blocking, callable from any thread.
    func release()
}

/// A `JSFunction` can be a property of a `Codable` type: ``JSValueEncoder`` and
/// ``JSValueDecoder`` pass the handle through. Other coders refuse it, since a handle means
/// nothing outside its runtime.
extension JSFunction: Codable {
    public convenience init(from decoder: any Decoder) throws {
        throw DecodingError.typeMismatch(
            JSFunction.self,
            .init(
                codingPath: decoder.codingPath,
                debugDescription: "a function handle can only be decoded by JSValueDecoder, from a runtime's value"))
    }

    public func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            self,
            .init(
                codingPath: encoder.codingPath,
                debugDescription: "\(self) is a function handle: only JSValueEncoder can pass it to its runtime"))
    }
}
