// Switchboard history recovery for the stock phoenix.js client (docs/HISTORY.md). Served at /js/switchboard-recovery.js;
// in Node: require() it. recoverable(socket, topic, params, from) is socket.channel(topic, params) whose every rejoin
// asks for what it missed: it remembers the position of the last broadcast seen (the frame's ref "<epoch>:<offset>",
// phoenix.js's second callback argument) and sends it as {recover: {epoch, offset}}. Pass `from` (an earlier
// channel's position()) to carry the position over to a socket on another node. After each join, onRecovery gets
// {recovered, epoch, offset}: recovered false means the history could not fill the gap, so reload your state.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.SwitchboardRecovery = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';
  function recoverable(socket, topic, params = {}, from = null) {
    let position = from;
    const channel = socket.channel(topic, () => (position ? { ...params, recover: position } : params));
    const onMessage = channel.onMessage.bind(channel);
    channel.onMessage = (event, payload, ref, joinRef) => {
      const at = typeof ref === 'string' && event !== 'phx_reply' ? ref.lastIndexOf(':') : -1;
      if (at > 0) position = { epoch: ref.slice(0, at), offset: Number(ref.slice(at + 1)) };
      return onMessage(event, payload, ref, joinRef);
    };
    channel.position = () => position;
    channel.onRecovery = () => {};
    channel.joinPush.receive('ok', reply => {
      // A fresh join, or a gap the history could not fill: start from the stream's head.
      if (reply && reply.epoch && reply.recovered !== true) position = { epoch: reply.epoch, offset: reply.offset };
      if (reply && reply.epoch) channel.onRecovery({ recovered: reply.recovered, epoch: reply.epoch, offset: reply.offset });
    });
    return channel;
  }
  return { recoverable };
});
