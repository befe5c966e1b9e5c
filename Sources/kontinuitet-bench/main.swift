import Foundation
import Kontinuitet

// Benchmarks of the archive and XLSX readers (see ArchiveBench and scripts/bench-inflate); not shipped.
exit(ArchiveBench.run(Array(CommandLine.arguments.dropFirst())))
