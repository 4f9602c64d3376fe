/// The UTF-8 bytes of `text`: fixtures read better as strings.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
