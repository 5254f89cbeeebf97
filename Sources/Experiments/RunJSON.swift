import Foundation

/// JSON as run files write and read it. Standard JSON has no NaN or infinity, but a run can
/// produce them (a training success rate before any episode ended), so they are spelled
/// "nan", "inf" and "-inf" everywhere: config.json, final.json, metrics.jsonl, checkpoints.
enum RunJSON {
    static func encoder(_ formatting: JSONEncoder.OutputFormatting) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
