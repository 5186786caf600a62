#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
func naturalLog(_ x: Double) -> Double { log(x) }

@inline(__always)
func naturalExp(_ x: Double) -> Double { exp(x) }
