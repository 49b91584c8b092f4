// SafeTensors: reading and writing the safetensors format (JSON header + raw little-endian data).

import Foundation

/// Errors from reading or writing a safetensors file.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read or written.
  case io(path: String, reason: String)
  /// The bytes are not a valid safetensors file.
  case malformed(path: String, reason: String)
  /// A tensor has an element type this library does not load.
  case unsupportedDType(path: String, tensor: String, dtype: String)

  /// A readable description.
  public var description: String {
    switch self {
    case .io(let path, let reason): return "\(path): \(reason)"
    case .malformed(let path, let reason): return "\(path): not a valid safetensors file: \(reason)"
    case .unsupportedDType(let path, let tensor, let dtype):
      return "\(path): tensor '\(tensor)' has dtype \(dtype); only F32 and F64 are supported"
    }
  }
}

/// The safetensors format of Hugging Face: an 8-byte little-endian header length, a JSON header
/// mapping each name to `{dtype, shape, data_offsets}` (plus an optional `__metadata__` map of
/// strings), then the raw little-endian element data.
///
/// Files written here load with the Python `safetensors` package and vice versa (tested with a
/// committed fixture). Tensors of dtype `F32` and `F64` are supported.
public enum SafeTensors {
  /// The encoded bytes of `tensors`, in name order, with optional string `metadata`.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var offset = 0
    let names = tensors.keys.sorted()
    for name in names {
      let tensor = tensors[name]!
      let bytes = tensor.count * tensor.dtype.byteSize
      header[name] = [
        "dtype": tensor.dtype == .float32 ? "F32" : "F64",
        "shape": tensor.shape,
        "data_offsets": [offset, offset + bytes],
      ]
      offset += bytes
    }
    var json =
      (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
      ?? Data("{}".utf8)
    // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
    while json.count % 8 != 0 { json.append(0x20) }
    var result = Data(capacity: 8 + json.count + offset)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { result.append(contentsOf: $0) }
    result.append(json)
    for name in names {
      let tensor = tensors[name]!
      switch tensor.dtype {
      case .float32: tensor.floats.withUnsafeBytes { result.append(contentsOf: $0) }
      case .float64: tensor.doubles.withUnsafeBytes { result.append(contentsOf: $0) }
      }
    }
    return result
  }

  /// Decodes safetensors bytes into tensors on `backend` (the scoped default when `nil`).
  ///
  /// - Parameters:
  ///   - data: The whole file's bytes.
  ///   - path: Used in error messages only.
  ///   - backend: Where the tensors are created; the scoped default when `nil`.
  /// - Throws: ``SafeTensorsError/malformed(path:reason:)`` for any inconsistency (short file,
  ///   bad JSON, offsets outside the data, sizes that disagree with shapes) and
  ///   ``SafeTensorsError/unsupportedDType(path:tensor:dtype:)``.
  public static func decode(
    _ data: Data, path: String = "<memory>", on backend: (any Backend)? = nil
  ) throws(SafeTensorsError) -> (tensors: [String: Tensor], metadata: [String: String]) {
    func fail(_ reason: String) -> SafeTensorsError { .malformed(path: path, reason: reason) }
    guard data.count >= 8 else {
      throw fail("\(data.count) bytes is shorter than the 8-byte header length")
    }
    let headerLength = data.prefix(8).withUnsafeBytes {
      UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))
    }
    guard headerLength <= UInt64(data.count - 8) else {
      throw fail("header length \(headerLength) exceeds the \(data.count - 8) bytes after it")
    }
    let headerEnd = 8 + Int(headerLength)
    let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + headerEnd))
    guard let object = try? JSONSerialization.jsonObject(with: headerBytes),
      let header = object as? [String: Any]
    else { throw fail("the header is not a JSON object") }
    let payloadCount = data.count - headerEnd
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    for (name, entry) in header {
      if name == "__metadata__" {
        guard let map = entry as? [String: String] else {
          throw fail("__metadata__ is not a map of strings")
        }
        metadata = map
        continue
      }
      guard let info = entry as? [String: Any], let dtypeName = info["dtype"] as? String,
        let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
        let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
        offsets.count == 2, shape.count == (info["shape"] as? [Any])?.count
      else { throw fail("entry '\(name)' lacks dtype, shape or data_offsets") }
      let dtype: DType =
        switch dtypeName {
        case "F32": .float32
        case "F64": .float64
        default: throw .unsupportedDType(path: path, tensor: name, dtype: dtypeName)
        }
      guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(name)' has shape \(shape)") }
      let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
        let product = partial.0.multipliedReportingOverflow(by: dimension)
        return (product.partialValue, partial.1 || product.overflow)
      }
      guard !overflow, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= payloadCount,
        offsets[1] - offsets[0] == count * dtype.byteSize
      else {
        throw fail(
          "tensor '\(name)' of shape \(shape) has data_offsets \(offsets) for \(payloadCount) data bytes"
        )
      }
      let tensor = Tensor.uninitialized(shape, dtype: dtype, on: backend ?? BackendContext.current)
      if count > 0 {
        let start = data.startIndex + headerEnd + offsets[0]
        data[start..<(start + count * dtype.byteSize)].withUnsafeBytes { bytes in
          // The data is little-endian, as are the hosts this library supports.
          tensor.backend.upload(bytes.baseAddress!, into: tensor.storage)
        }
      }
      tensors[name] = tensor
    }
    return (tensors, metadata)
  }

  /// Writes `tensors` to `url` atomically: a temporary file in the same folder, then a rename,
  /// so an interrupted write never leaves a truncated file at `url`.
  public static func write(
    _ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL
  ) throws(SafeTensorsError) {
    do {
      try encode(tensors, metadata: metadata).write(to: url, options: .atomic)
    } catch {
      throw .io(path: url.path, reason: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Reads the tensors and metadata stored at `url`.
  public static func read(
    from url: URL, on backend: (any Backend)? = nil
  ) throws(SafeTensorsError) -> (tensors: [String: Tensor], metadata: [String: String]) {
    // An empty file is rejected without reading it: Foundation's Data(contentsOf:) leaks its
    // 4 KiB read buffer on a zero-length file (found by Scripts/fuzz/loaders.sh under ASan).
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    if (attributes?[.size] as? NSNumber)?.intValue == 0 {
      return try decode(Data(), path: url.path, on: backend)
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw .io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
    }
    return try decode(data, path: url.path, on: backend)
  }
}
