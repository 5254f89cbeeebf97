import ArgumentParser
import COpenBLAS
import CPNG
import Physics

enum MuralVersion {
    static let string = "0.2.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print Mural's version and the native libraries it runs on.")

    func run() throws {
        print("mural \(MuralVersion.string)")
        print("ODE \(ODEInfo.version) (\(ODEInfo.isDoublePrecision ? "double" : "single") precision)")
        print("OpenBLAS \(String(cString: openblas_get_config())), core \(String(cString: openblas_get_corename()))")
        print("libpng \(String(cString: png_get_libpng_ver(nil)))")
    }
}
