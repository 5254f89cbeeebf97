import CAdam
import COpenBLAS
import Glibc

/// A floating-point type the networks can compute in.
///
/// Training runs in `Float`; `Double` exists so that finite-difference checks of every derivative (and
/// any meta-learning computation that wants the headroom) have the precision they need. Each conformance
/// routes the dense algebra to the matching BLAS routine (`s…` or `d…`), so the same generic network code
/// drives both.
public protocol NetworkScalar: BinaryFloatingPoint, Codable, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// Row-major C = α·op(A)·op(B) + β·C, with op(A) of shape m×k and op(B) of shape k×n.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// Row-major y = α·op(A)·x + β·y with A of shape m×n. Batch-1 layers use this: OpenBLAS does not
    /// forward m = 1 GEMMs to GEMV, and on the Haswell kernel that costs 6× (ode-swift.md §7).
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)

    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    /// log(1 + eˣ), computed without overflow.
    static func softplus(_ x: Self) -> Self

    /// Adam's elementwise step on `count` parameters (see `Adam`), in C so that it vectorises.
    static func adamStep(
        parameters: UnsafeMutablePointer<Self>, firstMoment: UnsafeMutablePointer<Self>,
        secondMoment: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>, count: Int,
        beta1: Self, beta2: Self, epsilon: Self, stepSize: Self, inverseCorrection2: Self)
}

@inlinable
func cblasTranspose(_ transpose: Bool) -> CBLAS_TRANSPOSE {
    transpose ? CblasTrans : CblasNoTrans
}

extension Float: NetworkScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inlinable
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(
            CblasRowMajor, cblasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func softplus(_ x: Float) -> Float { x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x)) }

    @inlinable
    public static func adamStep(
        parameters: UnsafeMutablePointer<Float>, firstMoment: UnsafeMutablePointer<Float>,
        secondMoment: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, count: Int,
        beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, inverseCorrection2: Float
    ) {
        cadam_step_f32(parameters, firstMoment, secondMoment, gradient, count, beta1, beta2, epsilon, stepSize,
                        inverseCorrection2)
    }
}

extension Double: NetworkScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inlinable
    public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(
            CblasRowMajor, cblasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inlinable public static func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(Glibc.exp(-x)) : log1p(Glibc.exp(x)) }

    @inlinable
    public static func adamStep(
        parameters: UnsafeMutablePointer<Double>, firstMoment: UnsafeMutablePointer<Double>,
        secondMoment: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>, count: Int,
        beta1: Double, beta2: Double, epsilon: Double, stepSize: Double, inverseCorrection2: Double
    ) {
        cadam_step_f64(parameters, firstMoment, secondMoment, gradient, count, beta1, beta2, epsilon, stepSize,
                        inverseCorrection2)
    }
}
