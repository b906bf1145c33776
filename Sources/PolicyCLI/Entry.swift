import ArgumentParser
import Foundation

/// The one place where outcomes become exit codes (SPEC §4): 0 nothing blocks, 1 a block
/// (or a warning with `--fail-on warn`), 2 the check could not be made. ArgumentParser's
/// own usage errors (64) are mapped to 2 here, so a tool error never looks like a verdict.
@main
enum Entry {
    static func main() {
        do {
            var command = try PolicyCommand.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let error as ToolError {
            FileHandle.standardError.write(Data("policy: error: \(error.description)\n".utf8))
            exit(2)
        } catch {
            let exitCode = PolicyCommand.exitCode(for: error)
            if exitCode == .success {
                print(PolicyCommand.fullMessage(for: error))
                exit(0)
            }
            let message = PolicyCommand.fullMessage(for: error)
            FileHandle.standardError.write(Data(("policy: " + message.trimmingCharacters(in: .whitespacesAndNewlines) + "\n").utf8))
            exit(2)
        }
    }
}

/// A tool error: printed to stderr as it is, exit 2.
struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
