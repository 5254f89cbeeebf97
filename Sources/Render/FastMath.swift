/// Float-to-integer conversions for the per-sample paths. Swift's `Int(x)` checks for
/// overflow and NaN on every call; these use the classic trick of adding 1.5 · 2²³, which
/// leaves round-to-nearest(x) in the low mantissa bits. Valid for |x| < 2²², which callers
/// guarantee by clamping or bounds checks.
private let roundingMagic: Float = 12_582_912

/// round(v) lane by lane, for |lanes| < 2²², as two's-complement bits.
@inline(__always)
func roundedBits(_ v: SIMD4<Float>) -> SIMD4<UInt32> {
    unsafeBitCast(v + roundingMagic, to: SIMD4<UInt32>.self) &- roundingMagic.bitPattern
}

/// Lane-wise clamp. The standard library's `clamped(lowerBound:upperBound:)` on SIMD
/// types compiles to out-of-line generic calls; comparisons and blends stay inline.
@inline(__always)
func clamp(_ v: SIMD4<Float>, _ low: SIMD4<Float>, _ high: SIMD4<Float>) -> SIMD4<Float> {
    let raised = v.replacing(with: low, where: v .< low)
    return raised.replacing(with: high, where: raised .> high)
}

@inline(__always)
func clamp01(_ v: SIMD4<Float>) -> SIMD4<Float> { clamp(v, .zero, .one) }

/// floor(v) as floats, and v - floor(v), for 0 ≤ lanes < 2²² (no libm call).
@inline(__always)
func floorAndFraction(_ v: SIMD4<Float>) -> (SIMD4<Float>, SIMD4<Float>) {
    var whole = (v + roundingMagic) - roundingMagic
    whole = whole.replacing(with: whole - 1, where: whole .> v)
    return (whole, v - whole)
}
