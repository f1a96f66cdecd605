import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { startHarness } from '../helpers/gatewayHarness';

describe('authorization directives for a router', () => {
  it('declares @authenticated and @requiresScopes with the configured start scope, and they compose into the supergraph', async () => {
    const h = await startHarness({ maxAttempts: 1, env: { AUTH_START_SCOPE: 'campaigns:launch' } });
    try {
      const res = await h.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
      const sdl = res.body.data?._service.sdl ?? '';
      expect(sdl).toMatch(/startCampaign\([^)]*\): StartCampaignResult! @requiresScopes\(scopes: \[\["campaigns:launch"\]\]\)/);
      expect(sdl).toMatch(/type Campaign\s+@key\(fields: "id"\)\s+@authenticated/);
      const { supergraphSdl, errors } = composeServices([{ name: 'campaigns', url: h.url, typeDefs: parse(sdl) }]);
      expect(errors).toBeUndefined();
      expect(supergraphSdl).toContain('@requiresScopes(scopes: [["campaigns:launch"]])');
      expect(supergraphSdl).toMatch(/type Campaign[^{]*@authenticated/);
    } finally {
      await h.close();
    }
  });
});
