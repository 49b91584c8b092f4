// CSV: numpy.savetxt output loads; write/read round trips are exact; bad cells name their row
// and column.

import Datasets
import Foundation
import Tensor
import Testing
import _TestSupport

@Suite("CSV")
struct CSVTests {
  @Test("numpy.savetxt output ('# ' header, %.18e) loads with the exact values", .tags(.golden))
  func numpyWritten() throws {
    let expected = try loadFixture("numpy/expected.json", in: .module).object("savetxt")
    let table = try CSV.read(from: fixtureURL("numpy/savetxt.csv"))
    #expect([table.rowCount, table.columnCount] == expected.ints("shape"))
    #expect(table.values == expected.doubles("values"))
  }

  @Test("write then read returns the same float32 and float64 values, with a header")
  func roundTrip() throws {
    var rng = Xoshiro256(seed: 9)
    for dtype in DType.allCases {
      let tensor = Tensor.randomNormal([6, 4], dtype: dtype, using: &rng) * 1e3
      let text = try CSV.encode(tensor, header: ["a", "b", "c", "d"])
      let table = try CSV.decode(text, path: "t", hasHeader: true)
      #expect(table.header == ["a", "b", "c", "d"])
      #expect(table.tensor(dtype: dtype).doubles == tensor.doubles)
    }
    let vector = try CSV.decode(CSV.encode(Tensor([1, 2, 3] as [Float])), path: "v")
    #expect(vector.rowCount == 3 && vector.columnCount == 1)
  }

  @Test("comments, blank lines, padding, CRLF, other delimiters and label columns")
  func formats() throws {
    let text = "# comment\n 1.5 , 2 ,3\r\n\n4,5e-1,-6\n"
    let table = try CSV.decode(Data(text.utf8), path: "t")
    #expect(table.values == [1.5, 2, 3, 4, 0.5, -6] && table.rowCount == 2)
    #expect(try table.labels(column: 2) == [3, -6])
    #expect(throws: DatasetError.self) { try table.labels(column: 1) }
    let tabs = try CSV.decode(Data("1\t2\n3\t4\n".utf8), path: "t", delimiter: "\t")
    #expect(tabs.values == [1, 2, 3, 4])
    let spaces = try CSV.decode(Data("1  2   3\n4 5 6\n".utf8), path: "t", delimiter: " ")
    #expect(spaces.values == [1, 2, 3, 4, 5, 6])
    #expect(throws: DatasetError.self) {
      try CSV.decode(Data("1e2\n".utf8), path: "t", delimiter: "e")
    }
  }

  @Test("a non-numeric cell throws invalidNumber with its 1-based row and column")
  func nonNumericCell() throws {
    let text = "1,2,3\n4,five,6\n"
    #expect(throws: DatasetError.invalidNumber(path: "m.csv", row: 2, column: 2, text: "five")) {
      try CSV.decode(Data(text.utf8), path: "m.csv")
    }
    #expect(
      DatasetError.invalidNumber(path: "m.csv", row: 2, column: 2, text: "five").description
        == "m.csv: row 2, column 2: 'five' is not a number")
    #expect(throws: DatasetError.invalidNumber(path: "m.csv", row: 1, column: 3, text: "")) {
      try CSV.decode(Data("1,2,\n".utf8), path: "m.csv")
    }
    #expect(throws: DatasetError.invalidNumber(path: "m.csv", row: 1, column: 1, text: "1.2.3")) {
      try CSV.decode(Data("1.2.3,4\n".utf8), path: "m.csv")
    }
  }

  @Test("ragged rows, empty files and non-finite cells throw typed errors")
  func badTables() throws {
    #expect(throws: DatasetError.raggedRow(path: "r", row: 3, expectedColumns: 2, foundColumns: 3))
    {
      try CSV.decode(Data("1,2\n3,4\n5,6,7\n".utf8), path: "r")
    }
    #expect(throws: DatasetError.emptyFile(path: "e")) { try CSV.decode(Data(), path: "e") }
    #expect(throws: DatasetError.emptyFile(path: "e")) {
      try CSV.decode(Data("# only a comment\n\n".utf8), path: "e")
    }
    #expect(throws: DatasetError.emptyFile(path: "e")) {
      try CSV.decode(Data("a,b\n".utf8), path: "e", hasHeader: true)
    }
    #expect(throws: DatasetError.nonFinite(path: "n", position: [1, 0], value: .infinity)) {
      try CSV.decode(Data("1,2\ninf,3\n".utf8), path: "n")
    }
    #expect(try CSV.decode(Data("nan,2\n".utf8), path: "n", allowNonFinite: true).values[0].isNaN)
    #expect(throws: DatasetError.self) { try CSV.encode(Tensor.zeros([2, 2, 2])) }
    #expect(throws: DatasetError.self) { try CSV.encode(Tensor.zeros([2, 2]), header: ["a"]) }
  }
}
