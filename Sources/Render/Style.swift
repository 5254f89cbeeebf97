import Physics

/// Colours for a world's geoms, keyed by geom name, as a task defines them. A geom's
/// appearance is, in order: its entry in `appearances`; the entry in `prefixAppearances`
/// for the longest prefix of its name (e.g. "finger-" for every finger link); `floor` for
/// planes; otherwise a colour from `palette` chosen by a stable hash of the name, so that a
/// geom keeps its colour when others are added.
public struct Style: Hashable, Sendable {
    public var appearances: [String: Appearance]
    public var prefixAppearances: [String: Appearance]
    public var palette: [Color]
    public var floor: Appearance
    /// Geoms listed here are not drawn (for example invisible sensor volumes).
    public var hidden: Set<String>

    public init(appearances: [String: Appearance] = [:], prefixAppearances: [String: Appearance] = [:],
                palette: [Color] = Style.defaultPalette, floor: Appearance = Style.defaultFloor, hidden: Set<String> = []) {
        precondition(!palette.isEmpty, "a style needs at least one palette colour")
        self.appearances = appearances
        self.prefixAppearances = prefixAppearances
        self.palette = palette
        self.floor = floor
        self.hidden = hidden
    }

    /// A style from plain colours keyed by geom name.
    public init(colors: [String: Color]) {
        self.init(appearances: colors.mapValues { .solid($0) })
    }

    /// Muted, distinguishable colours that read well on the light floor.
    public static let defaultPalette: [Color] = [
        0x4C72B0, 0xDD8452, 0x55A868, 0xC44E52, 0x8172B3, 0x937860, 0xDA8BC3, 0x8C8C8C, 0xCCB974, 0x64B5CD,
    ].map { Color(hex: $0) }

    public static let defaultFloor = Appearance(
        color: Color(hex: 0xD9D6CF), pattern: .checker(secondary: Color(hex: 0xBDB9B0), cellSize: 0.1))

    public static let standard = Style()

    /// The appearance of the geom called `name` with shape `shape`.
    public func appearance(forGeom name: String, shape: Shape) -> Appearance {
        if let appearance = appearances[name] { return appearance }
        let prefix = prefixAppearances.keys.filter { name.hasPrefix($0) }.max { $0.count < $1.count }
        if let prefix, let appearance = prefixAppearances[prefix] { return appearance }
        if case .plane = shape { return floor }
        return .solid(palette[Int(Self.stableHash(name) % UInt64(palette.count))])
    }

    /// FNV-1a over the UTF-8 bytes; unlike `Hasher`, the same in every process.
    static func stableHash(_ name: String) -> UInt64 {
        name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}

extension Scene {
    /// The scene of `world`'s geoms in their current poses, coloured by `style`, followed by
    /// the visual-only `overlays` (goal markers and the like).
    public init(world: World, style: Style = .standard, overlays: [Primitive] = [], lighting: Lighting = .standard) {
        var primitives: [Primitive] = []
        primitives.reserveCapacity(world.geoms.count + overlays.count)
        for geom in world.geoms where !style.hidden.contains(geom.name) {
            primitives.append(Primitive(
                name: geom.name, shape: geom.shape, position: geom.position, orientation: geom.orientation,
                appearance: style.appearance(forGeom: geom.name, shape: geom.shape)))
        }
        primitives.append(contentsOf: overlays)
        self.init(primitives: primitives, lighting: lighting)
    }
}

extension Style {
    /// This style with the geoms called `names` left out of the picture.
    public func hiding(_ names: String...) -> Style {
        var style = self
        style.hidden.formUnion(names)
        return style
    }
}
