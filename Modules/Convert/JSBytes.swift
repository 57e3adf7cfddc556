#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Binary data from JavaScript: an `ArrayBuffer`, a typed array (`Uint8Array`, `Int32Array`,
/// `Float64Array`, ...) or a `DataView`, with its kind kept.
///
/// ```swift
/// let bytes = JSBytes([1, 2, 3] as [UInt8])       // a Uint8Array
/// let ints = JSBytes([1, -1] as [Int32])          // an Int32Array
/// ints.elements(as: Int32.self)                   // [1, -1]
/// JSBytes(.arrayBuffer, data: Data(count: 8))     // an ArrayBuffer of 8 zero bytes
/// ```
///
/// `data` holds the bytes of the view only: a `Uint8Array` over part of a larger buffer comes
/// out as just its bytes, and goes back into JavaScript as a view of a buffer of its own. Views
/// of one buffer in a value read from V8's format share that buffer's memory (each `data`
/// starts at index 0, and copies on write as any `Data`), so a hundred views of a 60 MiB buffer
/// take 60 MiB, not a hundred times that.
/// Elements are in the machine's byte order (little-endian on every platform V8 runs on here),
/// as JavaScript stores them.
public struct JSBytes: Sendable, Hashable {
    /// What JavaScript object the bytes are.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An `ArrayBuffer`: bytes without an element type.
        case arrayBuffer = "ArrayBuffer"
        /// A `DataView`: bytes read and written as any type, at any offset.
        case dataView = "DataView"
        /// An `Int8Array`: signed 8-bit integers.
        case int8Array = "Int8Array"
        /// A `Uint8Array`: unsigned 8-bit integers.
        case uint8Array = "Uint8Array"
        /// A `Uint8ClampedArray`: unsigned 8-bit integers, clamped to 0...255 when JavaScript
        /// stores into them.
        case uint8ClampedArray = "Uint8ClampedArray"
        /// An `Int16Array`: signed 16-bit integers.
        case int16Array = "Int16Array"
        /// A `Uint16Array`: unsigned 16-bit integers.
        case uint16Array = "Uint16Array"
        /// An `Int32Array`: signed 32-bit integers.
        case int32Array = "Int32Array"
        /// A `Uint32Array`: unsigned 32-bit integers.
        case uint32Array = "Uint32Array"
        /// A `Float32Array`: 32-bit floating-point numbers.
        case float32Array = "Float32Array"
        /// A `Float64Array`: 64-bit floating-point numbers.
        case float64Array = "Float64Array"
        /// A `BigInt64Array`: signed 64-bit integers, which JavaScript reads as BigInts.
        case bigInt64Array = "BigInt64Array"
        /// A `BigUint64Array`: unsigned 64-bit integers, which JavaScript reads as BigInts.
        case bigUint64Array = "BigUint64Array"

        /// The size of one element in bytes; 1 for `ArrayBuffer` and `DataView`.
        public var elementSize: Int {
            switch self {
            case .arrayBuffer, .dataView, .int8Array, .uint8Array, .uint8ClampedArray: 1
            case .int16Array, .uint16Array: 2
            case .int32Array, .uint32Array, .float32Array: 4
            case .float64Array, .bigInt64Array, .bigUint64Array: 8
            }
        }

        /// The JavaScript constructor's name, as in `Int32Array`.
        public var name: String { rawValue }

        /// Whether this is a typed array (not an `ArrayBuffer` or a `DataView`).
        public var isTypedArray: Bool { self != .arrayBuffer && self != .dataView }
    }

    /// What JavaScript object the bytes are.
    public let kind: Kind
    /// The bytes, a whole number of elements.
    public let data: Data

    /// Bytes of the given kind; `nil` when `data` is not a whole number of elements.
    public init?(_ kind: Kind, data: Data) {
        guard data.count % kind.elementSize == 0 else { return nil }
        self.kind = kind
        self.data = data
    }

    /// A `Uint8Array` holding `data`.
    public init(_ data: Data) {
        self.kind = .uint8Array
        self.data = data
    }

    /// The typed array of `elements`' type: `[Int32]` gives an `Int32Array`, `[Double]` a
    /// `Float64Array`, `[UInt8]` a `Uint8Array`.
    public init<Element: JSTypedArrayElement>(_ elements: [Element]) {
        self.kind = Element.typedArrayKind
        self.data = elements.withUnsafeBytes { Data($0) }
    }

    /// The number of elements (of bytes, for an `ArrayBuffer` or a `DataView`).
    public var count: Int { data.count / kind.elementSize }

    /// The elements as `Element`, when `Element` is the element type of `kind` (any one-byte
    /// type for an `ArrayBuffer` or a `DataView`); `nil` otherwise.
    public func elements<Element: JSTypedArrayElement>(as type: Element.Type) -> [Element]? {
        let fits = kind.isTypedArray ? Element.typedArrayKind == kind : MemoryLayout<Element>.size == 1
        guard fits || (kind == .uint8ClampedArray && Element.self == UInt8.self) else { return nil }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = data.copyBytes(to: UnsafeMutableRawBufferPointer(buffer).bindMemory(to: UInt8.self))
            initialized = count
        }
    }
}

/// A Swift type whose arrays are JavaScript typed arrays: the integer types up to 64 bits,
/// `Float` and `Double`.
public protocol JSTypedArrayElement: BitwiseCopyable, Sendable {
    /// The typed array that holds elements of this type.
    static var typedArrayKind: JSBytes.Kind { get }
}

extension Int8: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .int8Array } }
extension UInt8: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .uint8Array } }
extension Int16: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .int16Array } }
extension UInt16: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .uint16Array } }
extension Int32: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .int32Array } }
extension UInt32: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .uint32Array } }
extension Float: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .float32Array } }
extension Double: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .float64Array } }
extension Int64: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .bigInt64Array } }
extension UInt64: JSTypedArrayElement { public static var typedArrayKind: JSBytes.Kind { .bigUint64Array } }
