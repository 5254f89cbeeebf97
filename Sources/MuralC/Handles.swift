import Foundation
import Glibc

/// Status codes every `mural_*` function returns; the message of a failure is read with
/// `mural_last_error()` on the same thread. Keep in step with `python/mural/_lib.py`.
enum Status: Int32 {
    case ok = 0
    /// A bad argument: a buffer of the wrong size, a non-finite action, an unknown name.
    case invalidArgument = 1
    /// The handle was closed, or never existed.
    case invalidHandle = 2
    /// No task has the id.
    case unknownTask = 3
    /// A task file is missing or broken.
    case taskFile = 4
    /// The episode is not running: reset before stepping.
    case episodeState = 5
    /// The physics failed (NaN, runaway velocities); reset the environment.
    case physics = 6
    /// Anything else, with the error's description as the message.
    case failure = 7
}

/// A failure to report through the C interface.
struct InterfaceError: Error {
    var status: Status
    var message: String
    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// The last failure's message, one per thread (ctypes may call from any Python thread).
enum LastError {
    nonisolated(unsafe) private static var key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    static func set(_ message: String) {
        free(pthread_getspecific(key))
        pthread_setspecific(key, strdup(message))
    }

    static var pointer: UnsafePointer<CChar>? {
        pthread_getspecific(key).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }
}

/// Objects handed to C callers as integer ids that are never reused, so a closed or made-up
/// handle is an error rather than a dangling pointer.
final class HandleTable<Object>: @unchecked Sendable {
    private var objects: [UInt64: Object] = [:]
    private var nextID: UInt64 = 1
    private let lock = NSLock()
    private let kind: String

    init(kind: String) { self.kind = kind }

    func insert(_ object: Object) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let id = nextID
        nextID += 1
        objects[id] = object
        return id
    }

    func get(_ id: UInt64) throws -> Object {
        lock.lock()
        defer { lock.unlock() }
        guard let object = objects[id] else {
            throw InterfaceError(.invalidHandle, "\(kind) handle \(id) is closed or was never opened")
        }
        return object
    }

    func remove(_ id: UInt64) throws {
        lock.lock()
        defer { lock.unlock() }
        guard objects.removeValue(forKey: id) != nil else {
            throw InterfaceError(.invalidHandle, "\(kind) handle \(id) is closed or was never opened")
        }
    }
}

/// Runs `body`, turning every thrown error into a status code and a message.
@inline(__always)
func guarded(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return Status.ok.rawValue
    } catch let error as InterfaceError {
        LastError.set(error.message)
        return error.status.rawValue
    } catch {
        let (status, message) = classify(error)
        LastError.set(message)
        return status.rawValue
    }
}

/// A C string argument, which must not be null.
func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
    guard let pointer else { throw InterfaceError(.invalidArgument, "\(name) is null") }
    return String(cString: pointer)
}

/// A buffer argument of `count` elements, which must not be null unless empty.
func buffer<T>(_ pointer: UnsafePointer<T>?, _ count: Int, _ name: String) throws -> UnsafeBufferPointer<T> {
    guard count >= 0 else { throw InterfaceError(.invalidArgument, "\(name): negative length \(count)") }
    if count == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
    guard let pointer else { throw InterfaceError(.invalidArgument, "\(name) is null") }
    return UnsafeBufferPointer(start: pointer, count: count)
}

func mutableBuffer<T>(_ pointer: UnsafeMutablePointer<T>?, _ count: Int, _ name: String) throws -> UnsafeMutableBufferPointer<T> {
    guard count >= 0 else { throw InterfaceError(.invalidArgument, "\(name): negative length \(count)") }
    if count == 0 { return UnsafeMutableBufferPointer(start: nil, count: 0) }
    guard let pointer else { throw InterfaceError(.invalidArgument, "\(name) is null") }
    return UnsafeMutableBufferPointer(start: pointer, count: count)
}

/// A newly allocated C string the caller frees with `mural_string_free`.
func cString(_ text: String) -> UnsafeMutablePointer<CChar> { strdup(text) }
