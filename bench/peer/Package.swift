// swift-tools-version:6.0
import PackageDescription

// The bench peer (bench/README.md, "The peer"): the room page as a Swift developer would otherwise write it,
// with Hummingbird 2, swift-mustache and PostgresNIO. Its own package, so that the app's Package.swift stays
// free of Hummingbird and NIO. Sources/Domain is a link to the app's Domain module (plain Swift, no
// dependencies): the peer shares the rules (labels, durations, codes), not the app's views or stores.
let package = Package(
    name: "pomopomo-peer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pomopomo-peer", targets: ["PomopomoPeer"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "Domain"),
        .executableTarget(
            name: "PomopomoPeer",
            dependencies: [
                "Domain",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
