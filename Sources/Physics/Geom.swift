import CODE

/// A collision shape in a `World`, either attached to a body or static.
public final class Geom {
    public let name: String
    /// Creation order within the world; contact generation is ordered by it.
    public let index: Int
    public let shape: Shape
    /// The body this geom moves with, or `nil` for static world geometry.
    public let body: Body?
    public let material: Material
    public let filter: CollisionFilter
    let handles: ODEHandles
    package let id: dGeomID

    init(name: String, index: Int, shape: Shape, body: Body?, material: Material, filter: CollisionFilter,
         handles: ODEHandles, id: dGeomID) {
        self.name = name
        self.index = index
        self.shape = shape
        self.body = body
        self.material = material
        self.filter = filter
        self.handles = handles
        self.id = id
    }

    /// The geom's world position. For a plane, the point of the plane closest to the origin.
    public var position: Vector3 {
        if case .plane(let normal, let offset) = shape {
            return normal / length(normal) * offset
        }
        return readVector3(dGeomGetPosition(id))
    }

    /// The geom's world orientation (identity for planes).
    public var orientation: Quaternion {
        if case .plane = shape { return .identity }
        var q: dQuaternion = (1, 0, 0, 0)
        withUnsafeMutablePointer(to: &q) { $0.withMemoryRebound(to: dReal.self, capacity: 4) { dGeomGetQuaternion(id, $0) } }
        return Quaternion(w: q.0, x: q.1, y: q.2, z: q.3)
    }
}
