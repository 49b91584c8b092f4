// Real-data loaders: sizes, class counts and scaling of every benchmark dataset (SPEC.md §6).

import Datasets
import Foundation
import Testing
import _TestSupport

@Suite("LabeledDataset loading")
struct DatasetLoadingTests {
  @Test("MNIST-test: 10,000 test images in [0, 1] with the known class counts",
    .enabled(if: hasData(.mnistTest), missingDataReason(.mnistTest)))
  func mnistTest() throws {
    let dataset = try LabeledDataset.load(.mnistTest, from: dataDirectory(.mnistTest))
    #expect(dataset.features.shape == [10_000, 784])
    #expect(dataset.classCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
  }

  @Test("MNIST-full: 70,000", .enabled(if: hasData(.mnistFull), missingDataReason(.mnistFull)))
  func mnistFull() throws {
    let dataset = try LabeledDataset.load(.mnistFull, from: dataDirectory(.mnistFull))
    #expect(dataset.classCounts == [6903, 7877, 6990, 7141, 6824, 6313, 6876, 7293, 6825, 6958])
  }
  @Test("fashion", .enabled(if: hasData(.fashionMNIST), missingDataReason(.fashionMNIST)))
  func fashion() throws {
    let dataset = try LabeledDataset.load(.fashionMNIST, from: dataDirectory(.fashionMNIST))
    #expect(dataset.classCounts == [Int](repeating: 7000, count: 10))
  }
  @Test("usps", .enabled(if: hasData(.usps), missingDataReason(.usps)))
  func usps() throws {
    let dataset = try LabeledDataset.load(.usps, from: dataDirectory(.usps))
    print(dataset.classCounts, dataset.rows(0..<7291).classCounts)
  }
  @Test("r8", .enabled(if: hasData(.reutersR8), missingDataReason(.reutersR8)))
  func r8() throws {
    let dataset = try LabeledDataset.load(.reutersR8, from: dataDirectory(.reutersR8))
    print(dataset.classCounts, dataset.classNames, dataset.features.shape)
  }
}
