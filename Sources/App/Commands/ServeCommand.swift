/// `pomopomo serve`.
public enum ServeCommand {
    public static func run() throws {
        let env = try CommandEnvironment.load()
        do {
            try Server.run(config: env.config, logger: env.logger)
        } catch {
            env.logger.critical("cannot serve", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
