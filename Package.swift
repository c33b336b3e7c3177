// swift-tools-version:6.0
import PackageDescription

/// A C library reached through pkg-config: a module map and a shim header, nothing else.
func cLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "pomopomo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pomopomo", targets: ["pomopomo"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Test oracle only: our compiled templates must render exactly as the reference implementation.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        cLibrary("CFastCGI", pkgConfig: "fcgi", apt: "libfcgi-dev"),
        cLibrary("CLibPQ", pkgConfig: "libpq", apt: "libpq-dev"),
        cLibrary("CHiredis", pkgConfig: "hiredis", apt: "libhiredis-dev"),
        cLibrary("CDiscount", pkgConfig: "libmarkdown", apt: "libmarkdown2-dev"),
        cLibrary("CSodium", pkgConfig: "libsodium", apt: "libsodium-dev"),
        cLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        cLibrary("CQRencode", pkgConfig: "libqrencode", apt: "libqrencode-dev"),

        .target(name: "FastCGI", dependencies: ["CFastCGI"]),
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        .target(name: "Redis", dependencies: ["CHiredis"]),
        .target(name: "Markdown", dependencies: ["CDiscount"]),
        .target(name: "Sodium", dependencies: ["CSodium"]),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .target(name: "QRCode", dependencies: ["CQRencode", "Web"]),

        .target(name: "Domain"),
        .target(
            name: "Web",
            dependencies: [
                "Domain", "Sodium",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "App",
            dependencies: [
                "Domain", "Web", "FastCGI", "Postgres", "Redis", "Markdown", "Sodium", "Curl", "QRCode",
                .product(name: "Logging", package: "swift-log"),
            ], resources: [.copy("Migrations")]),
        .executableTarget(
            name: "pomopomo",
            dependencies: [
                "App",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(
            name: "UnitTests",
            dependencies: [
                "Domain", "Web", "Markdown", "Sodium", "App", "QRCode", "FastCGI",
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "App", "Postgres", "Redis", "Web", "Domain",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
