// The `string_decoder` package is Node's own StringDecoder, published for bundlers.
import decoder from 'string_decoder/';
export const StringDecoder = decoder.StringDecoder;
export default decoder;
