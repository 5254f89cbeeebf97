import Foundation

/// A report's content, written out as Markdown or as one self-contained HTML file (images
/// embedded as data URIs, so it opens offline and travels as one file).
struct ReportDocument {
    struct Table {
        var header: [String] = []
        var rows: [[String]] = []

        func markdown() -> String {
            guard !header.isEmpty else { return "" }
            return "| " + header.joined(separator: " | ") + " |\n"
                + "|" + String(repeating: " --- |", count: header.count) + "\n"
                + rows.map { "| " + $0.joined(separator: " | ") + " |\n" }.joined()
        }
    }

    struct Section {
        var heading: String
        /// Text after the table.
        var paragraphs: [String] = []
        var table = Table()
        /// (file name relative to the report, caption)
        var images: [(String, String)] = []
        /// (caption, preformatted text)
        var code: [(String, String)] = []
        /// Shown after the section's own content, one heading level down.
        var subsections: [Section] = []
    }

    var title: String
    var paragraphs: [String] = []
    var sections: [Section] = []

    func markdown() -> String {
        var out = "# \(title)\n\n"
        for paragraph in paragraphs { out += paragraph + "\n\n" }
        for section in sections { out += markdown(section, level: 2) }
        return out
    }

    private func markdown(_ section: Section, level: Int) -> String {
        var out = String(repeating: "#", count: level) + " \(section.heading)\n\n"
        if !section.table.header.isEmpty { out += section.table.markdown() + "\n" }
        for paragraph in section.paragraphs { out += paragraph + "\n\n" }
        for (file, caption) in section.images { out += "![\(caption)](\(file))\n\n" }
        for (caption, text) in section.code { out += "\(caption)\n\n```\n\(text)\n```\n\n" }
        for subsection in section.subsections { out += markdown(subsection, level: level + 1) }
        return out
    }

    func html(imageDirectory: URL) throws -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
            th:first-child, td:first-child { text-align: left; } th { background: #f3f3f3; }
            img { max-width: 100%; } figcaption { color: #555; font-size: 0.9em; } pre { background: #f6f6f6; padding: 8px; overflow-x: auto; }
            </style></head><body>
            <h1>\(escape(title))</h1>

            """
        for paragraph in paragraphs { out += "<p>\(inline(paragraph))</p>\n" }
        for section in sections { out += try html(section, level: 2, imageDirectory: imageDirectory) }
        return out + "</body></html>\n"
    }

    private func html(_ section: Section, level: Int, imageDirectory: URL) throws -> String {
        var out = "<h\(level)>\(escape(section.heading))</h\(level)>\n"
        if !section.table.header.isEmpty {
            out += "<table><tr>" + section.table.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            for row in section.table.rows { out += "<tr>" + row.map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n" }
            out += "</table>\n"
        }
        for paragraph in section.paragraphs { out += "<p>\(inline(paragraph))</p>\n" }
        for (file, caption) in section.images {
            let url = imageDirectory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path) else { throw ExperimentError.missingFile(path: url.path) }
            out += "<figure><img alt=\"\(escape(caption))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">"
                + "<figcaption>\(escape(caption))</figcaption></figure>\n"
        }
        for (caption, text) in section.code { out += "<p>\(escape(caption))</p><pre>\(escape(text))</pre>\n" }
        for subsection in section.subsections { out += try html(subsection, level: level + 1, imageDirectory: imageDirectory) }
        return out
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Escapes, then turns Markdown's **bold** into <strong>.
    private func inline(_ text: String) -> String {
        let parts = escape(text).components(separatedBy: "**")
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<strong>\($0.element)</strong>" : $0.element }.joined()
    }
}
