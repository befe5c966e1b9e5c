import Kontinuitet

print("kontinuitet \(Kontinuitet.version)")
