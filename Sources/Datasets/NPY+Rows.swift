// NPY+Rows: reading a block of rows of a .npy file without reading the rest — what each rank of
// a data-parallel run does with its own rows.

import Foundation

/// What a `.npy` header says: the array's header, its element type, whether its bytes need
/// swapping, and the offset of the first element.
struct NPYLayout {
  let header: NPYHeader
  let elementType: NPYArray.ElementType
  let swapBytes: Bool
  let dataStart: Int

  /// Reverses the bytes of every element of `payload` when the file's byte order is not the
  /// machine's.
  func toNativeByteOrder(_ payload: inout Data) {
    let size = elementType.byteSize
    guard swapBytes && size > 1 else { return }
    payload.withUnsafeMutableBytes { buffer in
      for start in stride(from: 0, to: buffer.count, by: size) {
        buffer[start..<(start + size)].reverse()
      }
    }
  }
}

extension NPY {
  /// The shape of the array in the `.npy` file at `url`, from its header alone.
  ///
  /// - Throws: The errors of ``read(from:)`` for a missing file or a bad header, and
  ///   ``DatasetError/payloadSizeMismatch(path:dimensions:expectedBytes:foundBytes:)`` when the
  ///   file's size disagrees with the shape.
  public static func shape(of url: URL) throws(DatasetError) -> [Int] {
    try openLayout(url).layout.header.shape
  }

  /// Rows `rows` (along the first axis) of the array in the `.npy` file at `url`, reading only
  /// their bytes from a C-order file (a Fortran-order file is read whole, then cut).
  ///
  /// - Throws: The errors of ``read(from:)``, and ``DatasetError/input(_:)`` when `rows` does not
  ///   lie within the first axis.
  public static func read(rows: Range<Int>, from url: URL) throws(DatasetError) -> NPYArray {
    let (handle, layout, _) = try openLayout(url)
    defer { try? handle.close() }
    let shape = layout.header.shape
    guard let count = shape.first, rows.lowerBound >= 0, rows.upperBound <= count else {
      throw .input(
        .invalidValue(
          parameter: "rows", value: "\(rows)",
          constraint: "must lie in 0..<\(shape.first ?? 0) (the file's shape is \(shape))"))
    }
    let rowBytes = shape.dropFirst().reduce(layout.elementType.byteSize, *)
    if layout.header.fortranOrder && shape.count > 1 {
      let whole = try read(from: url)
      let start = whole.data.startIndex
      return NPYArray(
        elementType: whole.elementType, shape: [rows.count] + shape.dropFirst(),
        data: whole.data.subdata(
          in: (start + rows.lowerBound * rowBytes)..<(start + rows.upperBound * rowBytes)),
        source: url.path)
    }
    var payload: Data
    do {
      try handle.seek(toOffset: UInt64(layout.dataStart + rows.lowerBound * rowBytes))
      payload = try handle.read(upToCount: rows.count * rowBytes) ?? Data()
    } catch {
      throw .io(path: url.path, reason: "reading rows \(rows): \(error.localizedDescription)")
    }
    guard payload.count == rows.count * rowBytes else {
      throw .truncated(
        path: url.path,
        detail: "rows \(rows) end after \(payload.count) of \(rows.count * rowBytes) bytes")
    }
    layout.toNativeByteOrder(&payload)
    return NPYArray(
      elementType: layout.elementType, shape: [rows.count] + shape.dropFirst(), data: payload,
      source: url.path)
  }

  /// The file opened for reading, its layout and its size.
  private static func openLayout(_ url: URL) throws(DatasetError) -> (
    handle: FileHandle, layout: NPYLayout, size: Int
  ) {
    let handle: FileHandle
    let size: Int
    do {
      handle = try FileHandle(forReadingFrom: url)
      size = Int(try handle.seekToEnd())
      try handle.seek(toOffset: 0)
    } catch {
      throw .io(path: url.path, reason: error.localizedDescription)
    }
    do {
      // The preamble (at most 12 bytes) says how long the header is.
      let preamble = try handle.read(upToCount: 12) ?? Data()
      var head = preamble
      if preamble.count >= 10 {
        let lengthBytes = preamble[preamble.startIndex + 6] == 1 ? 2 : 4
        let length = [UInt8](preamble.dropFirst(8).prefix(lengthBytes)).reversed().reduce(0) {
          $0 << 8 | Int($1)
        }
        let headerEnd = min(size, 8 + lengthBytes + length)
        if headerEnd > preamble.count {
          head.append(try handle.read(upToCount: headerEnd - preamble.count) ?? Data())
        }
      }
      let layout = try layout(of: head, path: url.path, fileSize: size)
      return (handle, layout, size)
    } catch let error as DatasetError {
      try? handle.close()
      throw error
    } catch {
      try? handle.close()
      throw .io(path: url.path, reason: error.localizedDescription)
    }
  }
}
