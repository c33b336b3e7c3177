/// `pomopomo serve [--socket PATH]`: the option wins over POMOPOMO_SOCKET, so responders that share
/// one environment file each get their own socket from their command line (deploy/systemd).
public enum ServeCommand {
    public static func run(socket: String? = nil) throws {
        let env = try CommandEnvironment.load()
        var config = env.config
        if let socket, !socket.isEmpty { config.socket = socket }
        do {
            try Server.run(config: config, logger: env.logger)
        } catch {
            env.logger.critical("cannot serve", metadata: ["error": "\(error)"])
            throw CommandExit.failure
        }
    }
}
