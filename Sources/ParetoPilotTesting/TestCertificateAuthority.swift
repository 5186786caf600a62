import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority made in a test: its certificate, and server certificates it signs for
/// `localhost` and `127.0.0.1`, written as PEM files into a directory.
public struct TestCertificateAuthority: Sendable {
    public let directory: String
    /// The CA's certificate (PEM), for a client's `--ca-file`.
    public let certificateFile: String
    let key: P256.Signing.PrivateKey
    let certificate: Certificate

    /// A new CA named `name`, valid for a day.
    public init(name: String = "ParetoPilot test CA", directory: String) throws {
        self.directory = directory
        key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(86_400),
            issuer: subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        certificateFile = "\(directory)/\(name.replacingOccurrences(of: " ", with: "-")).pem"
        try certificate.serializeAsPEM().pemString.write(toFile: certificateFile, atomically: true, encoding: .utf8)
    }

    /// A server certificate and key signed by this CA, for `localhost` and `127.0.0.1`: the paths
    /// of the certificate and key PEM files.
    /// Other `dnsNames` and `addresses` (IPv4 bytes) make a certificate for another server.
    public func serverCertificate(
        name: String = "server",
        dnsNames: [String] = ["localhost"],
        addresses: [[UInt8]] = [[127, 0, 0, 1]]
    ) throws -> (certificate: String, key: String) {
        let serverKey = P256.Signing.PrivateKey()
        let now = Date()
        let server = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(86_400),
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(dnsNames.first ?? "server") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames(
                    dnsNames.map { .dnsName($0) } + addresses.map { .ipAddress(ASN1OctetString(contentBytes: $0[...])) }
                )
                try ExtendedKeyUsage([.serverAuth])
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        let certificatePath = "\(directory)/\(name).pem"
        let keyPath = "\(directory)/\(name)-key.pem"
        try server.serializeAsPEM().pemString.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try serverKey.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
        return (certificatePath, keyPath)
    }
}
